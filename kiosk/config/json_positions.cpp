#include "config/json_positions.hpp"

#include <set>

namespace kiosk::config {

std::string child_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

std::string element_path(const std::string& parent, size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

TextPosition PositionIndex::at(const std::string& path) const {
    if (auto k = keys.find(path); k != keys.end()) return k->second;
    if (auto v = values.find(path); v != values.end()) return v->second;
    return TextPosition{};
}

TextPosition position_of_offset(std::string_view text, size_t offset) {
    TextPosition p;
    for (size_t i = 0; i < text.size() && i < offset; ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.col = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++p.col;
        }
    }
    return p;
}

namespace {

class Scanner {
public:
    Scanner(std::string_view text, PositionIndex& index) : text_(text), index_(index) {}

    void scan() {
        skip_space();
        value("");
    }

private:
    TextPosition here() const { return TextPosition{line_, col_}; }
    bool done() const { return i_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[i_]; }
    void advance() {
        if (done()) return;
        if (text_[i_] == '\n') {
            ++line_;
            col_ = 1;
        } else if ((static_cast<unsigned char>(text_[i_]) & 0xC0) != 0x80) {
            ++col_;
        }
        ++i_;
        // Continuation bytes of a UTF-8 character do not count as columns.
        while (!done() && (static_cast<unsigned char>(text_[i_]) & 0xC0) == 0x80) ++i_;
    }
    void skip_space() {
        while (!done() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) advance();
    }

    std::string string_token() {
        std::string out;
        advance();  // opening quote
        while (!done() && peek() != '"') {
            if (peek() == '\\') {
                advance();
                out += '\\';
            }
            size_t start = i_;
            advance();
            out.append(text_.substr(start, i_ - start));
        }
        advance();  // closing quote
        return out;
    }

    void value(const std::string& path) {
        index_.values[path] = here();
        char c = peek();
        if (c == '{') {
            object(path);
        } else if (c == '[') {
            array(path);
        } else if (c == '"') {
            string_token();
        } else {
            while (!done() && std::string_view(",}] \t\r\n").find(peek()) == std::string_view::npos) advance();
        }
    }

    void object(const std::string& path) {
        advance();
        skip_space();
        std::set<std::string> seen;
        while (!done() && peek() != '}') {
            TextPosition key_at = here();
            std::string key = string_token();
            std::string child = child_path(path, key);
            const bool first = seen.insert(key).second;
            if (first) index_.keys[child] = key_at;
            else index_.duplicate_keys.emplace_back(child, key_at);
            skip_space();
            if (peek() == ':') advance();
            skip_space();
            if (first) {
                value(child);
            } else {
                // A duplicate: scan its value without overwriting the first one's positions.
                PositionIndex scratch;
                Scanner inner(text_, scratch);
                inner.i_ = i_, inner.line_ = line_, inner.col_ = col_;
                inner.value(child);
                i_ = inner.i_, line_ = inner.line_, col_ = inner.col_;
            }
            skip_space();
            if (peek() == ',') advance();
            skip_space();
        }
        advance();
    }

    void array(const std::string& path) {
        advance();
        skip_space();
        size_t n = 0;
        while (!done() && peek() != ']') {
            value(element_path(path, n++));
            skip_space();
            if (peek() == ',') advance();
            skip_space();
        }
        advance();
    }

    std::string_view text_;
    PositionIndex& index_;
    size_t i_ = 0;
    int line_ = 1, col_ = 1;
};

}  // namespace

PositionIndex index_positions(std::string_view json_text) {
    PositionIndex index;
    if (json_text.substr(0, 3) == "\xEF\xBB\xBF") json_text.remove_prefix(3);
    Scanner(json_text, index).scan();
    return index;
}

}  // namespace kiosk::config
