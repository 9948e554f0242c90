// The `cec` backend: HDMI-CEC through libCEC (Debian's libcec6, 6.0.2). PowerOnDevices
// sends <Image View On> to a TV (libCEC's CECCommandHandler::PowerOn), StandbyDevices
// <Standby>; GetDevicePowerStatus asks <Give Device Power Status>. libcec.so.6 is opened
// with dlopen when the backend opens (cecloader.h's way), so no command maps it otherwise.
#include "power/cec.hpp"

#include <libcec/cec.h>

#include <cstring>
#include <string>

#include "base/shared_library.hpp"
#include "power/backends.hpp"

namespace kiosk::power {
namespace {

// Debian 12's libcec6: "libcec.so." CEC_LIB_VERSION_MAJOR_STR, as cecloader.h opens it.
constexpr const char* kLibCec = "libcec.so." CEC_LIB_VERSION_MAJOR_STR;
constexpr std::uint8_t kMaxAdapters = 10;

class LibCecLink final : public CecLink {
public:
    LibCecLink(CEC::ICECAdapter* adapter, decltype(&::CECDestroy) destroy) : adapter_(adapter), destroy_(destroy) {}
    ~LibCecLink() override {
        if (opened_) adapter_->Close();
        destroy_(adapter_);
    }
    LibCecLink(const LibCecLink&) = delete;
    LibCecLink& operator=(const LibCecLink&) = delete;

    Result<std::vector<CEC::cec_adapter_descriptor>> detect_adapters() override {
        std::vector<CEC::cec_adapter_descriptor> found(kMaxAdapters);
        std::int8_t n = adapter_->DetectAdapters(found.data(), kMaxAdapters, nullptr, true);
        if (n < 0) return make_error("libCEC could not look for adapters");
        found.resize(static_cast<std::size_t>(n));
        return found;
    }
    bool open(const std::string& port, std::uint32_t timeout_ms) override {
        opened_ = adapter_->Open(port.c_str(), timeout_ms);
        return opened_;
    }
    bool power_on(CEC::cec_logical_address address) override { return adapter_->PowerOnDevices(address); }
    bool standby(CEC::cec_logical_address address) override { return adapter_->StandbyDevices(address); }
    CEC::cec_power_status power_status(CEC::cec_logical_address address) override {
        return adapter_->GetDevicePowerStatus(address);
    }

private:
    CEC::ICECAdapter* adapter_;
    decltype(&::CECDestroy) destroy_;
    bool opened_ = false;
};

std::string address_text(int device) { return "logical address " + std::to_string(device); }

class CecBackend final : public Backend {
public:
    CecBackend(std::unique_ptr<CecLink> link, std::string port, int device)
        : link_(std::move(link)), port_(std::move(port)), device_(device) {}
    const char* name() const override { return "cec"; }

    Status set(bool on) override {
        auto address = static_cast<CEC::cec_logical_address>(device_);
        bool sent = on ? link_->power_on(address) : link_->standby(address);
        if (!sent)
            return make_error("CEC adapter " + port_ + ": the " + (on ? "image view on" : "standby") +
                              " command to " + address_text(device_) + " was not acknowledged");
        return Ok{};
    }

    Result<Panel> query() override {
        return panel_of(link_->power_status(static_cast<CEC::cec_logical_address>(device_)));
    }

private:
    std::unique_ptr<CecLink> link_;
    std::string port_;
    int device_;
};

}  // namespace

Panel panel_of(CEC::cec_power_status status) {
    switch (status) {
        case CEC::CEC_POWER_STATUS_ON:
        case CEC::CEC_POWER_STATUS_IN_TRANSITION_STANDBY_TO_ON: return Panel::on;
        case CEC::CEC_POWER_STATUS_STANDBY:
        case CEC::CEC_POWER_STATUS_IN_TRANSITION_ON_TO_STANDBY: return Panel::off;
        default: return Panel::unknown;
    }
}

Result<std::unique_ptr<CecLink>> libcec_link() {
    std::string error;
    auto* initialise = shared_library::function<decltype(::CECInitialise)>(kLibCec, "CECInitialise", error);
    auto* destroy = shared_library::function<decltype(::CECDestroy)>(kLibCec, "CECDestroy", error);
    if (initialise == nullptr || destroy == nullptr)
        return make_error("CEC: libCEC is not available (" + error + "); install libcec6");
    CEC::libcec_configuration configuration;  // Clear()ed by its constructor
    configuration.clientVersion = CEC::LIBCEC_VERSION_CURRENT;
    std::strncpy(configuration.strDeviceName, "kiosk", sizeof configuration.strDeviceName - 1);
    configuration.deviceTypes.Add(CEC::CEC_DEVICE_TYPE_RECORDING_DEVICE);  // as cec-client
    configuration.bActivateSource = 0;  // opening must not switch the TV's input or wake it
    configuration.wakeDevices.Clear();
    configuration.powerOffDevices.Clear();
    CEC::ICECAdapter* adapter = initialise(&configuration);
    if (adapter == nullptr) return make_error("CEC: libCEC could not be initialised (CECInitialise)");
    return std::unique_ptr<CecLink>(std::make_unique<LibCecLink>(adapter, destroy));
}

Result<std::unique_ptr<Backend>> cec_backend(std::unique_ptr<CecLink> link, const config::CecPower& settings) {
    if (settings.device < 0 || settings.device > 14)
        return make_error("CEC: the device's logical address must be between 0 and 14 (the TV is 0), not " +
                          std::to_string(settings.device));
    std::string port = settings.port;
    if (port.empty()) {
        auto adapters = link->detect_adapters();
        if (!adapters) return make_error("CEC: " + adapters.error().message);
        if (adapters->empty())
            return make_error("CEC: no CEC adapter found (is the USB-CEC adapter plugged in, or the HDMI "
                              "port's CEC device present as /dev/cec0?)");
        port = adapters->front().strComName;
    }
    if (!link->open(port, kCecOpenTimeoutMs))
        return make_error("CEC adapter " + port + ": cannot open it (in use by another program such as "
                          "cec-client, or no access to the device)");
    return std::unique_ptr<Backend>(std::make_unique<CecBackend>(std::move(link), port, settings.device));
}

Result<std::unique_ptr<Backend>> open_cec(const config::CecPower& settings) {
    auto link = libcec_link();
    if (!link) return link.error();
    return cec_backend(std::move(*link), settings);
}

}  // namespace kiosk::power
