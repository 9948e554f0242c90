// libxml2 under the budgets of warning/cap.hpp: size before parsing, no DTD, no entities, no
// network, then depth and element count while walking the tree (iteratively).
#include <libxml/xmlerror.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>

#include "warning/cap_xml.hpp"

namespace kiosk::warning::detail {
namespace {

std::string kib(std::size_t bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MB";
    return std::to_string((bytes + 1023) / 1024) + " KB";
}

long line_at(std::string_view bytes, std::size_t pos) {
    return 1 + static_cast<long>(std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

std::string at_line(const char* what, long line) {
    return line > 0 ? std::string(what) + "第 " + std::to_string(line) + " 行" : std::string(what);
}

const char* kEntityAdvice = "，为安全起见没有处理。预警消息不需要 DTD 或实体，请让发布单位去掉后重发";

// Before libxml2 sees the bytes: what they start with, NUL bytes (a UTF-16 or UCS-4 document
// would hide "<!DOCTYPE" from the scan below: only ASCII-compatible encodings are read),
// and any DOCTYPE or ENTITY declaration, wherever it stands.
Status prescan(std::string_view bytes, const char* what) {
    if (bytes.find('\0') != std::string_view::npos)
        return make_error(std::string(what) + "里有空字节，不是 UTF-8 或 GB 编码的 XML，没有处理");
    std::string_view rest = bytes;
    if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
    const std::size_t first = rest.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return make_error(std::string(what) + "是空的，没有内容");
    if (rest[first] != '<') return make_error(std::string(what) + "不是 XML（开头不是“<”），没有处理");
    for (const char* token : {"<!DOCTYPE", "<!doctype"})
        if (const std::size_t p = bytes.find(token); p != std::string_view::npos)
            return make_error(at_line(what, line_at(bytes, p)) + "有文档类型声明（DOCTYPE）" + kEntityAdvice);
    for (const char* token : {"<!ENTITY", "<!entity"})
        if (const std::size_t p = bytes.find(token); p != std::string_view::npos)
            return make_error(at_line(what, line_at(bytes, p)) + "有实体声明（ENTITY）" + kEntityAdvice);
    return Ok{};
}

// The first error libxml2 raises while this thread parses (the last one, which libxml2 keeps,
// is often only the end of the document); recorded through the parser's structured-error
// hook, which also keeps libxml2 from printing anything.
struct FirstError {
    bool set = false;
    xmlError error{};
    std::string str1;
    bool too_deep = false;  // libxml2's own nesting limit (256) was hit before ours could be
};
thread_local FirstError* first_error = nullptr;

void record_error(void*, xmlErrorPtr e) {
    if (!first_error || first_error->set || !e || e->level < XML_ERR_ERROR) return;
    first_error->set = true;
    first_error->error = *e;
    first_error->str1 = e->str1 ? e->str1 : "";
    first_error->too_deep = e->code == XML_ERR_INTERNAL_ERROR && e->message && std::strstr(e->message, "depth");
    first_error->error.message = nullptr;  // owned by libxml2: nothing below reads them
    first_error->error.file = nullptr;
    first_error->error.str1 = nullptr;
    first_error->error.str2 = nullptr;
    first_error->error.str3 = nullptr;
}

struct RecordFirstError {  // sets and clears the thread's slot around one parse
    explicit RecordFirstError(FirstError& slot) { first_error = &slot; }
    ~RecordFirstError() { first_error = nullptr; }
    RecordFirstError(const RecordFirstError&) = delete;
    RecordFirstError& operator=(const RecordFirstError&) = delete;
};

// `str1`: the entity's name, or the tag left open.
Error parse_error(const xmlError* err, const std::string& str1, const char* what) {
    if (!err) return make_error(std::string(what) + "不是格式正确的 XML，没有处理");
    const long line = err->line;
    if (err->code == XML_ERR_UNDECLARED_ENTITY || err->code == XML_WAR_UNDECLARED_ENTITY ||
        err->code == XML_ERR_ENTITY_LOOP || err->code == XML_ERR_ENTITY_PE_INTERNAL) {
        std::string name = str1;
        if (name.size() > 40 || name.find_first_of("<>\n") != std::string::npos) name.clear();
        return make_error(at_line(what, line) + "有实体引用（&" + (name.empty() ? "…" : name) + ";）" + kEntityAdvice);
    }
    std::string place = at_line(what, line);
    if (line > 0 && err->int2 > 0) place += "第 " + std::to_string(err->int2) + " 列";
    const bool tag_open = err->code == XML_ERR_TAG_NAME_MISMATCH || err->code == XML_ERR_TAG_NOT_FINISHED;
    if (tag_open && !str1.empty() && str1.size() <= 40 && str1.find_first_of("<>\n") == std::string::npos)
        return make_error(place + "不是格式正确的 XML：<" + str1 + ">（第 " + std::to_string(err->int1) +
                          " 行）没有闭合，没有处理；请检查发布方的原文");
    return make_error(place + "不是格式正确的 XML（例如标签没有闭合、字符编码不对），没有处理；请检查发布方的原文");
}

// Depth and element count, and no entity or DTD node anywhere, walking without recursion.
Status check_tree(const xmlNode* root, const char* what) {
    std::size_t elements = 0;
    int depth = 1;
    const xmlNode* n = root;
    for (;;) {
        switch (n->type) {
            case XML_ELEMENT_NODE:
                if (++elements > kMaxElements)
                    return make_error(std::string(what) + "的元素超过 " + std::to_string(kMaxElements) + " 个，没有处理");
                if (depth > kMaxDepth)
                    return make_error(where(what, n) + "元素嵌套超过 " + std::to_string(kMaxDepth) + " 层，没有处理");
                break;
            case XML_ENTITY_REF_NODE:
            case XML_ENTITY_NODE:
            case XML_ENTITY_DECL:
                return make_error(where(what, n) + "有实体引用" + kEntityAdvice);
            case XML_DTD_NODE:
            case XML_DOCUMENT_TYPE_NODE:
                return make_error(std::string(what) + "有文档类型声明（DOCTYPE）" + kEntityAdvice);
            default:
                break;
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            ++depth;
            continue;
        }
        while (n != root && !n->next) {
            n = n->parent;
            --depth;
        }
        if (n == root) break;
        n = n->next;
    }
    return Ok{};
}

}  // namespace

Result<DocPtr> read_xml(std::string_view bytes, std::size_t max_bytes, const char* what) {
    if (bytes.size() > max_bytes)
        return make_error(std::string(what) + "有 " + kib(bytes.size()) + "，超过 " + kib(max_bytes) + " 的上限，没有处理");
    if (Status s = prescan(bytes, what); !s) return s.error();

    static std::once_flag init;
    std::call_once(init, [] { xmlInitParser(); });
    CtxtPtr ctxt(xmlNewParserCtxt());
    if (!ctxt) return make_error(std::string(what) + "没有处理：内存不足");
    // No DTD loading or validation, no entity substitution (XML_PARSE_NOENT stays off), no
    // network, no XInclude; CDATA merged into text; no error printing; line numbers past 65535.
    constexpr int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
                            XML_PARSE_NOBLANKS | XML_PARSE_BIG_LINES;
    ctxt->sax->serror = record_error;
    FirstError first;
    DocPtr doc;
    {
        const RecordFirstError recording(first);
        doc.reset(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr, options));
    }
    if (!doc || !ctxt->wellFormed) {
        if (first.set && first.too_deep)
            return make_error(at_line(what, first.error.line) + "：元素嵌套超过 " + std::to_string(kMaxDepth) + " 层，没有处理");
        if (first.set) return parse_error(&first.error, first.str1, what);
        const xmlError* last = xmlCtxtGetLastError(ctxt.get());
        return parse_error(last, last && last->str1 ? last->str1 : "", what);
    }
    if (doc->intSubset || doc->extSubset)
        return make_error(std::string(what) + "有文档类型声明（DOCTYPE）" + kEntityAdvice);
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!root) return make_error(std::string(what) + "里没有任何元素");
    if (Status s = check_tree(root, what); !s) return s.error();
    return doc;
}

bool named(const xmlNode* n, const char* local) {
    return n && n->type == XML_ELEMENT_NODE && n->name && std::strcmp(reinterpret_cast<const char*>(n->name), local) == 0;
}

std::string text_of(const xmlNode* n) {
    const XmlChars content(xmlNodeGetContent(n));
    std::string s = content ? reinterpret_cast<const char*>(content.get()) : "";
    auto space_at_front = [&s] {
        if (!s.empty() && std::strchr(" \t\r\n", s.front())) return std::size_t{1};
        if (s.rfind("\xE3\x80\x80", 0) == 0) return std::size_t{3};  // U+3000 ideographic space
        return std::size_t{0};
    };
    for (std::size_t k; (k = space_at_front()) > 0;) s.erase(0, k);
    for (;;) {
        if (!s.empty() && std::strchr(" \t\r\n", s.back())) s.pop_back();
        else if (s.size() >= 3 && s.compare(s.size() - 3, 3, "\xE3\x80\x80") == 0) s.resize(s.size() - 3);
        else break;
    }
    return s;
}

long line_of(const xmlNode* n) {
    const long line = n ? xmlGetLineNo(n) : -1;
    return line > 0 ? line : 0;
}

std::string where(const char* what, const xmlNode* n) { return at_line(what, line_of(n)) + "："; }

std::size_t char_count(std::string_view utf8) {
    return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace kiosk::warning::detail
