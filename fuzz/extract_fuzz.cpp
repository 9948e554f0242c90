// Any bytes as a portal page: decoding under every kind of charset claim, article
// extraction (with and without a base URL and a selector), the column reader (list pages
// and feeds), the picture header reader, and the Document's JSON round trip. Nothing may crash, hang or leak, and the
// Document must survive its own JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/utf8.hpp"
#include "content/budget.hpp"
#include "content/column.hpp"
#include "content/document_json.hpp"
#include "content/html_extract.hpp"
#include "render/image_header.hpp"

using namespace kiosk::content;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    for (const char* claim : {"", "utf-8", "gb2312"}) {
        const DecodedText decoded = decode_html(bytes, claim);
        if (!kiosk::utf8::is_valid(decoded.utf8)) std::abort();  // decoding always yields UTF-8
    }
    ExtractOptions options;
    options.base_url = "https://www.example.gov.cn/col/202401/t20240101_1.html";
    if (auto doc = extract_article(bytes, options)) {
        auto back = document_from_json(to_json(*doc));
        if (!back || to_json(*back) != to_json(*doc)) std::abort();  // the cache's round trip is exact
        for (const auto& b : doc->blocks) {
            if (b.role == Role::table) (void)table_slots(b.table);
            // A web page never points the kiosk at anything but http(s).
            if (b.role == Role::image && b.image.url.find(':') != std::string::npos && b.image.url.rfind("http", 0) != 0) std::abort();
        }
        // The budget holds, and a second pass changes nothing.
        enforce_budget(*doc);
        const auto once = to_json(*doc);
        if (enforce_budget(*doc).cut || to_json(*doc) != once) std::abort();
    }
    options.base_url.clear();
    options.selector = "div.main #zoom p";
    (void)extract_article(bytes, options);
    if (auto entries = read_column(bytes, ColumnOptions{"http://www.example.gov.cn/list/index.html", ""}))
        (void)newest_entries(std::move(*entries), 5);
    (void)find_date(bytes);
    if (auto header = kiosk::render::read_image_header(bytes))
        if (header->width <= 0 || header->height <= 0) std::abort();
    (void)kiosk::render::image_refusal(bytes);
    return 0;
}
