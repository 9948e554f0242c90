#pragma once
// libmosquitto, opened when a fleet client or the office's client first connects, not at
// start: it brings libssl and libcrypto, which the loader would otherwise map for every
// command of a screen that may not even be in a fleet (base/shared_library.hpp). The
// functions are typed by mosquitto.h, so a changed signature fails to compile.
#include <mosquitto.h>

#include <string>

namespace kiosk::fleet {

// Every libmosquitto function fleet/ calls, by its own name.
#define KIOSK_MOSQUITTO_FUNCTIONS(X)                                                                  \
    X(mosquitto_lib_init) X(mosquitto_new) X(mosquitto_destroy) X(mosquitto_int_option)               \
    X(mosquitto_tls_set) X(mosquitto_tls_opts_set) X(mosquitto_will_set) X(mosquitto_threaded_set)    \
    X(mosquitto_connect_callback_set) X(mosquitto_disconnect_callback_set)                            \
    X(mosquitto_publish_callback_set) X(mosquitto_message_callback_set)                               \
    X(mosquitto_subscribe_callback_set) X(mosquitto_unsubscribe_callback_set)                         \
    X(mosquitto_connect_async) X(mosquitto_loop) X(mosquitto_loop_start) X(mosquitto_loop_stop)       \
    X(mosquitto_publish) X(mosquitto_subscribe) X(mosquitto_unsubscribe) X(mosquitto_disconnect)      \
    X(mosquitto_strerror) X(mosquitto_connack_string)

struct MosquittoApi {
#define KIOSK_MOSQUITTO_MEMBER(name) decltype(&::name) name = nullptr;
    KIOSK_MOSQUITTO_FUNCTIONS(KIOSK_MOSQUITTO_MEMBER)
#undef KIOSK_MOSQUITTO_MEMBER
    std::string error;  // empty when every function was found
};

// Debian 12's libmosquitto1 (2.0.11).
inline constexpr const char* kLibMosquitto = "libmosquitto.so.1";

// libmosquitto's functions, the library opened and mosquitto_lib_init called once, on the
// first call (thread-safe; never cleaned up: its threads may outlive main). Check `error`
// before calling any of them.
const MosquittoApi& libmosquitto();

}  // namespace kiosk::fleet
