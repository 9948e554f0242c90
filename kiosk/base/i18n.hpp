#pragma once
// Operator-facing messages (check, plan, status, configuration errors) go through gettext
// (domain "kiosk"); a zh_CN catalogue ships with the program and English is the fallback.
#include <initializer_list>
#include <string>
#include <string_view>

namespace kiosk::i18n {

// Binds the "kiosk" domain to the catalogue folder (build tree, else installed) and reads
// the user's LC_MESSAGES/LANGUAGE. Call once from main.
void init();

const char* tr(const char* msgid);

// Replaces each "{}" in `pattern` with the next argument.
std::string format(std::string_view pattern, std::initializer_list<std::string_view> args);

}  // namespace kiosk::i18n

#define KIOSK_TR(s) ::kiosk::i18n::tr(s)
// Marks a literal for the catalogue where it is translated later (passed to KIOSK_TR).
#define KIOSK_N(s) s
