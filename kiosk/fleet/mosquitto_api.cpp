#include "fleet/mosquitto_api.hpp"

#include "base/shared_library.hpp"

namespace kiosk::fleet {
const MosquittoApi& libmosquitto() {
    static const MosquittoApi api = [] {
        MosquittoApi a;
#define KIOSK_MOSQUITTO_RESOLVE(name) shared_library::resolve(a.name, kLibMosquitto, #name, a.error);
        KIOSK_MOSQUITTO_FUNCTIONS(KIOSK_MOSQUITTO_RESOLVE)
#undef KIOSK_MOSQUITTO_RESOLVE
        if (a.error.empty() && a.mosquitto_lib_init() != MOSQ_ERR_SUCCESS) a.error = "libmosquitto cannot start";
        return a;
    }();
    return api;
}

}  // namespace kiosk::fleet
