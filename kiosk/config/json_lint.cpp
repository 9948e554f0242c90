#include "config/json_lint.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "base/i18n.hpp"
#include "base/utf8.hpp"

namespace kiosk::config {
namespace {
using i18n::format;

// A character typed with a Chinese input method where JSON needs an ASCII one.
struct FullWidth {
    char32_t c;
    const char* shown;
    const char* instead;
    const char* name;  // KIOSK_N: translated when shown
};
constexpr FullWidth kFullWidth[] = {
    {U'\uFF1A', "：", ":", KIOSK_N("a full-width colon")},
    {U'\uFF0C', "，", ",", KIOSK_N("a full-width comma")},
    {U'\u3001', "、", ",", KIOSK_N("an enumeration comma")},
    {U'\u201C', "“", "\"", KIOSK_N("a curly quote")},
    {U'\u201D', "”", "\"", KIOSK_N("a curly quote")},
    {U'\u2018', "‘", "\"", KIOSK_N("a curly single quote")},
    {U'\u2019', "’", "\"", KIOSK_N("a curly single quote")},
    {U'\uFF02', "＂", "\"", KIOSK_N("a full-width quote")},
    {U'\uFF5B', "｛", "{", KIOSK_N("a full-width brace")},
    {U'\uFF5D', "｝", "}", KIOSK_N("a full-width brace")},
    {U'\uFF3B', "［", "[", KIOSK_N("a full-width bracket")},
    {U'\uFF3D', "］", "]", KIOSK_N("a full-width bracket")},
    {U'\u3010', "【", "[", KIOSK_N("a Chinese bracket")},
    {U'\u3011', "】", "]", KIOSK_N("a Chinese bracket")},
    {U'\uFF1B', "；", ",", KIOSK_N("a full-width semicolon")},
    {U'\u3000', "　", " ", KIOSK_N("a full-width space")},
};

class Linter {
public:
    Linter(std::string_view text, const JsonBudget& budget) : t_(text), budget_(budget) {}

    std::optional<JsonMistake> run() {
        if (t_.substr(0, 3) == "\xEF\xBB\xBF") advance_bytes(3), col_ = 1;
        space();
        if (done()) return fail(here(), KIOSK_TR("the file is empty: it should hold one { … } object"));
        if (auto m = value()) return m;
        space();
        if (!done()) {
            if (auto m = stray(here())) return m;
            return fail(here(), KIOSK_TR("text after the end of the JSON object: everything must be inside the outer { … }"));
        }
        return std::nullopt;
    }

private:
    // Containers on an explicit stack: nesting never recurses.
    struct Frame {
        bool object;
        TextPosition opened;
        bool expect_key_or_end = true;  // object: right after { or a comma
        size_t count = 0;
    };

    TextPosition here() const { return TextPosition{line_, col_}; }
    bool done() const { return i_ >= t_.size(); }
    char peek() const { return done() ? '\0' : t_[i_]; }
    void advance_bytes(size_t n) {
        for (size_t k = 0; k < n && !done(); ++k) {
            const unsigned char c = static_cast<unsigned char>(t_[i_]);
            if (c == '\n') {
                ++line_;
                col_ = 1;
            } else if ((c & 0xC0) != 0x80) {
                ++col_;
            }
            ++i_;
        }
    }
    void advance() {
        advance_bytes(1);
        while (!done() && (static_cast<unsigned char>(t_[i_]) & 0xC0) == 0x80) ++i_;
    }
    void space() {
        while (!done() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) advance();
    }
    std::optional<JsonMistake> fail(TextPosition at, std::string message) { return JsonMistake{at, std::move(message)}; }

    // The character at the cursor when it is not ASCII.
    char32_t current_char() const {
        const std::u32string c = utf8::decode(t_.substr(i_, 4));
        return c.empty() ? 0 : c[0];
    }

    // A mistake a clerk makes, at the cursor (or nothing when the character is just wrong).
    std::optional<JsonMistake> stray(TextPosition at) {
        const char c = peek();
        if (c == '\'')
            return fail(at, KIOSK_TR("a single quote ': JSON writes text in double quotes \"…\""));
        if (static_cast<unsigned char>(c) >= 0x80) {
            const char32_t u = current_char();
            for (const FullWidth& f : kFullWidth)
                if (f.c == u)
                    return fail(at, format(KIOSK_TR("{} \"{}\" where JSON needs \"{}\": switch the input method to English "
                                                    "punctuation and type \"{}\""),
                                           {KIOSK_TR(f.name), f.shown, f.instead, f.instead}));
            return fail(at, format(KIOSK_TR("the character \"{}\" cannot stand here: text belongs inside double quotes \"…\""),
                                   {utf8::encode(u)}));
        }
        return std::nullopt;
    }

    std::optional<JsonMistake> unexpected(const char* expected) {
        const TextPosition at = here();
        if (done())
            return fail(at, format(KIOSK_TR("the file ends here, but {} was expected (is a closing } or ] missing?)"), {KIOSK_TR(expected)}));
        if (auto m = stray(at)) return m;
        std::string shown = utf8::printable(utf8::truncate(t_.substr(i_, 12), 12, false));
        return fail(at, format(KIOSK_TR("\"{}\" where {} was expected"), {shown, KIOSK_TR(expected)}));
    }

    std::optional<JsonMistake> string_token(bool key) {
        const TextPosition opened = here();
        const size_t start = i_;
        advance();  // "
        for (;;) {
            if (done() || peek() == '\n' || peek() == '\r')
                return fail(opened, KIOSK_TR("this text is not closed: the closing double quote \" is missing on its line"));
            const char c = peek();
            if (c == '"') break;
            if (c == '\\') {
                advance();
                const char e = peek();
                if (e == 'u') {
                    advance();
                    for (int k = 0; k < 4; ++k) {
                        if (!std::isxdigit(static_cast<unsigned char>(peek())))
                            return fail(here(), KIOSK_TR("\\u must be followed by four hexadecimal digits"));
                        advance();
                    }
                    continue;
                }
                if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos || done())
                    return fail(here(), KIOSK_TR("a backslash \\ in text must be written twice: \\\\ (or use /)"));
                advance();
                continue;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                return fail(here(), KIOSK_TR("a control character (such as a tab) inside text: delete it"));
            advance();
        }
        advance();  // "
        if (key && i_ - start - 2 > budget_.max_key_bytes)
            return fail(opened, format(KIOSK_TR("a key longer than {} bytes"), {std::to_string(budget_.max_key_bytes)}));
        return std::nullopt;
    }

    std::optional<JsonMistake> number_token() {
        const TextPosition at = here();
        const size_t start = i_;
        if (peek() == '-') advance();
        if (!std::isdigit(static_cast<unsigned char>(peek()))) return unexpected(KIOSK_N("a value"));
        if (peek() == '0') {
            advance();
        } else {
            while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
        }
        if (peek() == '.') {
            advance();
            if (!std::isdigit(static_cast<unsigned char>(peek()))) return fail(here(), KIOSK_TR("a digit must follow the decimal point"));
            while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
        }
        if (peek() == 'e' || peek() == 'E') {
            advance();
            if (peek() == '+' || peek() == '-') advance();
            if (!std::isdigit(static_cast<unsigned char>(peek()))) return fail(here(), KIOSK_TR("a digit must follow the exponent e"));
            while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
        }
        const std::string number(t_.substr(start, i_ - start));
        errno = 0;
        const double v = std::strtod(number.c_str(), nullptr);
        if (!std::isfinite(v) || (errno == ERANGE && v != 0))
            return fail(at, format(KIOSK_TR("the number {} is too large"), {utf8::truncate(number, 40)}));
        return std::nullopt;
    }

    std::optional<JsonMistake> literal() {
        for (std::string_view word : {"true", "false", "null"})
            if (t_.substr(i_, word.size()) == word) {
                advance_bytes(word.size());
                return std::nullopt;
            }
        return unexpected(KIOSK_N("a value"));
    }

    // One value; containers are handled by the loop in value() without recursion.
    std::optional<JsonMistake> value() {
        std::vector<Frame> stack;
        bool need_value = true;
        for (;;) {
            space();
            if (need_value) {
                if (++values_ > budget_.max_values)
                    return fail(here(), format(KIOSK_TR("more than {} values: too large for a playlist"),
                                               {std::to_string(budget_.max_values)}));
                const char c = peek();
                if (c == '{' || c == '[') {
                    if (stack.size() >= budget_.max_depth)
                        return fail(here(), format(KIOSK_TR("nested more than {} levels deep"), {std::to_string(budget_.max_depth)}));
                    stack.push_back(Frame{c == '{', here()});
                    advance();
                    space();
                    if (c == '{') {
                        if (peek() == '}') {
                            advance();
                            stack.pop_back();
                            need_value = false;
                            if (stack.empty()) return std::nullopt;
                            continue;
                        }
                        if (auto m = key()) return m;
                        continue;  // need_value stays: the member's value
                    }
                    if (peek() == ']') {
                        advance();
                        stack.pop_back();
                        need_value = false;
                        if (stack.empty()) return std::nullopt;
                        continue;
                    }
                    continue;  // the first element
                }
                std::optional<JsonMistake> m;
                if (c == '"') m = string_token(false);
                else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) m = number_token();
                else if (c == ',' && !stack.empty())
                    m = fail(here(), stack.back().object ? KIOSK_TR("a comma where a value was expected: is a value missing, or one comma too many?")
                                                         : KIOSK_TR("two commas in a row: delete one (or write the missing value)"));
                else if ((c == '}' || c == ']') && !stack.empty())
                    m = fail(here(), KIOSK_TR("a value is missing before this closing bracket"));
                else m = literal();
                if (m) return m;
                need_value = false;
                if (stack.empty()) return std::nullopt;
                value_end_ = here();
                continue;
            }
            // After a value inside a container: a comma or the container's end.
            Frame& f = stack.back();
            const char c = peek();
            const char closer = f.object ? '}' : ']';
            if (c == closer) {
                advance();
                stack.pop_back();
                if (stack.empty()) return std::nullopt;
                value_end_ = here();
                continue;
            }
            if (c == ',') {
                const TextPosition comma = here();
                advance();
                space();
                if (peek() == '}' || peek() == ']')
                    return fail(comma, KIOSK_TR("a comma after the last entry: delete this comma (the last entry takes none)"));
                if (f.object) {
                    if (auto m = key()) return m;
                }
                need_value = true;
                continue;
            }
            if (c == ':' && !f.object) return fail(here(), KIOSK_TR("a colon inside a list [ … ]: is a { missing?"));
            const char other = f.object ? ']' : '}';
            if (c == other)
                return fail(here(), format(KIOSK_TR("\"{}\" closes the {} opened at line {}, column {}: it needs \"{}\""),
                                           {std::string(1, c), f.object ? "{" : "[", std::to_string(f.opened.line),
                                            std::to_string(f.opened.col), std::string(1, closer)}));
            // The usual mistake: the comma between two entries is missing. It belongs right
            // after the previous value, which is where it is reported.
            if (c == '"' || c == '{' || c == '[' || c == '-' || std::isdigit(static_cast<unsigned char>(c)) || c == 't' ||
                c == 'f' || c == 'n')
                return fail(value_end_, KIOSK_TR("a comma is missing here, after this entry and before the next one"));
            if (done())
                return fail(here(), format(KIOSK_TR("the file ends before the {} opened at line {}, column {} is closed with {}"),
                                           {f.object ? "{" : "[", std::to_string(f.opened.line), std::to_string(f.opened.col),
                                            std::string(1, closer)}));
            if (auto m = stray(here())) return m;
            return unexpected(f.object ? KIOSK_N("a comma or }") : KIOSK_N("a comma or ]"));
        }
    }

    // A member's key and its colon (the cursor is on the key).
    std::optional<JsonMistake> key() {
        space();
        if (peek() != '"') {
            if (auto m = stray(here())) return m;
            if (done()) return unexpected(KIOSK_N("a key in double quotes"));
            return fail(here(), KIOSK_TR("a key must be written in double quotes, like \"id\""));
        }
        if (auto m = string_token(true)) return m;
        const TextPosition after_key = here();
        space();
        if (peek() != ':') {
            if (auto m = stray(here())) return m;
            return fail(after_key, KIOSK_TR("a colon : is missing after this key"));
        }
        advance();
        return std::nullopt;
    }

    std::string_view t_;
    JsonBudget budget_;
    size_t i_ = 0;
    int line_ = 1, col_ = 1;
    size_t values_ = 0;
    TextPosition value_end_{};  // just after the last complete value: where a missing comma goes
};

}  // namespace

std::optional<JsonMistake> lint_json(std::string_view text, const JsonBudget& budget) {
    return Linter(text, budget).run();
}

}  // namespace kiosk::config
