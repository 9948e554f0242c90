#pragma once
// A shared library opened when one of its functions is first wanted instead of at start.
// Every library a program links is mapped, relocated and initialised before main(), with
// all of its own dependencies, whether the command uses it or not: libcurl alone brings 22
// (TLS, Kerberos, LDAP, SSH, RTMP), SDL2 37 (X11, Wayland, ALSA, PulseAudio, codecs, D-Bus)
// and SDL2_image 7 (image codecs), and `kiosk render` of a text file or `kiosk check` uses
// none of them (docs/measurements.md, "Beside pango-view").
#include <string>

#include "base/result.hpp"

namespace kiosk::shared_library {

// The address of `symbol` in the library `soname` (as the package installs it, e.g.
// "libcurl.so.4"), opening it on first use; thread-safe (the loader counts references, so
// each caller may ask again). An error says which library or function is missing.
Result<void*> symbol(const char* soname, const char* symbol);

// The same, as a pointer to the function type F (from the library's own header, so a
// changed signature fails to compile rather than to run); nullptr and `error` set when missing.
template <typename F>
F* function(const char* soname, const char* name, std::string& error) {
    auto address = symbol(soname, name);
    if (!address) {
        error = address.error().message;
        return nullptr;
    }
    return reinterpret_cast<F*>(*address);
}

// For a table of a library's functions: fills `slot` unless an earlier one failed (then
// `error` already says which), so the table reports its first missing function.
template <typename F>
void resolve(F*& slot, const char* soname, const char* name, std::string& error) {
    if (error.empty()) slot = function<F>(soname, name, error);
}

}  // namespace kiosk::shared_library
