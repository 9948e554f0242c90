#include "base/i18n.hpp"

#include <libintl.h>

#include <clocale>
#include <cstdlib>
#include <filesystem>

namespace kiosk::i18n {

void init() {
    std::setlocale(LC_ALL, "");
    namespace fs = std::filesystem;
    const char* env = std::getenv("KIOSK_LOCALEDIR");
    for (const char* dir : {env, KIOSK_BUILD_LOCALEDIR, KIOSK_INSTALLED_LOCALEDIR}) {
        if (!dir || !*dir) continue;
        std::error_code ec;
        if (fs::exists(fs::path(dir) / "zh_CN" / "LC_MESSAGES" / "kiosk.mo", ec)) {
            bindtextdomain("kiosk", dir);
            break;
        }
    }
    bind_textdomain_codeset("kiosk", "UTF-8");
}

const char* tr(const char* msgid) { return dgettext("kiosk", msgid); }

std::string format(std::string_view pattern, std::initializer_list<std::string_view> args) {
    std::string out;
    auto arg = args.begin();
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{' && i + 1 < pattern.size() && pattern[i + 1] == '}' && arg != args.end()) {
            out += *arg++;
            ++i;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

}  // namespace kiosk::i18n
