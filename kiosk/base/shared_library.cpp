#include "base/shared_library.hpp"

#include <dlfcn.h>

namespace kiosk::shared_library {

Result<void*> symbol(const char* soname, const char* name) {
    // RTLD_LOCAL: its symbols serve only the functions asked for here, never interpose.
    void* library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char* why = dlerror();
        return make_error(std::string(soname) + " cannot be loaded: " + (why ? why : "unknown error"));
    }
    dlerror();  // clears any earlier error, so a null from dlsym is told from a failure
    void* address = dlsym(library, name);
    if (!address) return make_error(std::string(soname) + " has no function " + name);
    return address;
}

}  // namespace kiosk::shared_library
