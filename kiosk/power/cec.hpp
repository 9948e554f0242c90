#pragma once
// The `cec` backend at its seam. libcec has no simulator, so the backend's logic (which
// adapter it opens, which commands it sends to which logical address, how libcec's
// cec_power_status becomes a Panel, the errors) is written against CecLink, the handful of
// libcec calls it makes, in libcec's own types; power/cec.cpp implements CecLink with libcec
// (opened with dlopen at the first use, like libcurl and SDL, so no other command maps it)
// and the tests with a recording fake. Only power/cec.{hpp,cpp} include libcec's headers;
// everything else asks open_backend (power/backends.hpp: open_cec).
#include <libcec/cectypes.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/config.hpp"
#include "power/backend.hpp"

namespace kiosk::power {

// What the backend needs from libcec, by ICECAdapter's names.
class CecLink {
public:
    virtual ~CecLink() = default;
    // ICECAdapter::DetectAdapters: the adapters present (an empty list when none; an
    // error when libcec could not look).
    virtual Result<std::vector<CEC::cec_adapter_descriptor>> detect_adapters() = 0;
    virtual bool open(const std::string& port, std::uint32_t timeout_ms) = 0;  // ICECAdapter::Open
    virtual bool power_on(CEC::cec_logical_address address) = 0;               // PowerOnDevices
    virtual bool standby(CEC::cec_logical_address address) = 0;                // StandbyDevices
    virtual CEC::cec_power_status power_status(CEC::cec_logical_address address) = 0;  // GetDevicePowerStatus
};

// libCEC itself: libcec.so.6 opened and CECInitialise called (as cecloader.h's
// LibCecInitialise does, without its printing to stdout); an error naming what is missing.
Result<std::unique_ptr<CecLink>> libcec_link();

// How long Open may take to reach the adapter.
inline constexpr std::uint32_t kCecOpenTimeoutMs = 10000;

// The backend over a link: finds the adapter (settings.port, or the first one detected),
// opens it, and then switches and asks the device at settings.device (the TV is 0).
Result<std::unique_ptr<Backend>> cec_backend(std::unique_ptr<CecLink> link, const config::CecPower& settings);

// libCEC's power status as the panel's: on and "standby to on" are on (the panel is waking
// as asked), standby and "on to standby" are off, anything else unknown.
Panel panel_of(CEC::cec_power_status status);

}  // namespace kiosk::power
