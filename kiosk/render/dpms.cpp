#include "render/dpms.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "base/log.hpp"
#include "base/shared_library.hpp"
#include "render/sdl_api.hpp"

// Last: Xlib defines Status, Bool, True, False and None as macros, which would rewrite the
// project's own names (kiosk::Status) in anything included after it.
#include <SDL_syswm.h>
#include <X11/extensions/dpms.h>
#include <xf86drm.h>
#include <xf86drmMode.h>
#undef Status
#undef Bool
#undef DisableScreenSaver  // X.h: 0, a timeout value; here SDL's function

namespace kiosk::render {
namespace {

// The functions of libX11, libXext and libdrm the backend calls, opened at first use (an
// x11 or kmsdrm SDL has mapped its own copy already: the loader hands back the same one).
#define KIOSK_X11_FUNCTIONS(X) X(XSync) X(XSetErrorHandler) X(XGetErrorText) X(XDisplayString) X(XSetScreenSaver)
#define KIOSK_XEXT_FUNCTIONS(X) \
    X(DPMSQueryExtension) X(DPMSCapable) X(DPMSEnable) X(DPMSForceLevel) X(DPMSInfo) X(DPMSSetTimeouts)
#define KIOSK_DRM_FUNCTIONS(X)                                                                              \
    X(drmModeGetResources) X(drmModeFreeResources) X(drmModeGetConnector) X(drmModeFreeConnector)        \
    X(drmModeGetEncoder) X(drmModeFreeEncoder) X(drmModeObjectGetProperties) X(drmModeFreeObjectProperties) \
    X(drmModeGetProperty) X(drmModeFreeProperty) X(drmModeConnectorSetProperty) X(drmModeGetConnectorTypeName)

#define KIOSK_MEMBER(name) decltype(&::name) name = nullptr;
struct XApi {
    KIOSK_X11_FUNCTIONS(KIOSK_MEMBER)
    KIOSK_XEXT_FUNCTIONS(KIOSK_MEMBER)
    std::string error;
};
struct DrmApi {
    KIOSK_DRM_FUNCTIONS(KIOSK_MEMBER)
    std::string error;
};
#undef KIOSK_MEMBER

const XApi& x_api() {
    static const XApi api = [] {
        XApi a;
#define KIOSK_RESOLVE_X11(name) shared_library::resolve(a.name, "libX11.so.6", #name, a.error);
#define KIOSK_RESOLVE_XEXT(name) shared_library::resolve(a.name, "libXext.so.6", #name, a.error);
        KIOSK_X11_FUNCTIONS(KIOSK_RESOLVE_X11)
        KIOSK_XEXT_FUNCTIONS(KIOSK_RESOLVE_XEXT)
#undef KIOSK_RESOLVE_X11
#undef KIOSK_RESOLVE_XEXT
        return a;
    }();
    return api;
}

const DrmApi& drm_api() {
    static const DrmApi api = [] {
        DrmApi a;
#define KIOSK_RESOLVE_DRM(name) shared_library::resolve(a.name, "libdrm.so.2", #name, a.error);
        KIOSK_DRM_FUNCTIONS(KIOSK_RESOLVE_DRM)
#undef KIOSK_RESOLVE_DRM
        return a;
    }();
    return api;
}

// What a read-back says, for messages (power::panel_word lives in power/, which render/
// does not link).
const char* word(power::Panel p) { return p == power::Panel::on ? "on" : p == power::Panel::off ? "off" : "unknown"; }

// ---- X11 -------------------------------------------------------------------------------

// An X error arrives asynchronously and Xlib's default handler (which SDL chains to) ends
// the process: each request of ours runs with this handler in place and an XSync, so an
// error becomes a value. The drawing thread is the only one talking to the display.
int x_error_code = 0;
int record_x_error(Display*, XErrorEvent* event) {
    x_error_code = event->error_code;
    return 0;
}

class X11Dpms final : public power::Backend {
public:
    X11Dpms(Display* display, std::string name) : display_(display), name_(std::move(name)) {}
    const char* name() const override { return "dpms"; }

    kiosk::Status set(bool on) override {
        const XApi& x = x_api();
        // SDL resets the X screen saver every 30 s while it keeps it from blanking, and a
        // reset turns the outputs on again through the driver (xf86SaveScreen): let it be
        // while the panel is meant to be off.
        if (!on) sdl().EnableScreenSaver();
        auto done = guarded([&] {
            CARD16 level = 0;
            BOOL enabled = 0;
            // DPMSForceLevel is refused (BadMatch) while DPMS is disabled on the server.
            if (x.DPMSInfo(display_, &level, &enabled) && !enabled) x.DPMSEnable(display_);
            x.DPMSForceLevel(display_, on ? DPMSModeOn : DPMSModeOff);
        });
        if (on || !done) sdl().DisableScreenSaver();  // on again, or still on: SDL keeps it awake
        if (!done) return done.error();
        auto now = query();
        if (!now) return now.error();
        if (*now != (on ? power::Panel::on : power::Panel::off))
            return make_error("the X server " + name_ + " reports the monitor " + word(*now) +
                              " after DPMS was forced " + (on ? "on" : "off"));
        return Ok{};
    }

    Result<power::Panel> query() override {
        CARD16 level = 0;
        BOOL enabled = 0;
        bool answered = false;
        auto done = guarded([&] { answered = x_api().DPMSInfo(display_, &level, &enabled) != 0; });
        if (!done) return done.error();
        if (!answered) return make_error("the X server " + name_ + " did not answer DPMSInfo");
        // Disabled DPMS leaves the monitor on (the server forces it on when disabling).
        return level == DPMSModeOn ? power::Panel::on : power::Panel::off;
    }

    // The server's own idle blanking off: DPMS timeouts 0 0 0 (`xset dpms 0 0 0`) and no
    // screen saver (`xset s off`).
    kiosk::Status keep_awake_when_idle() {
        return guarded([&] {
            x_api().DPMSSetTimeouts(display_, 0, 0, 0);
            x_api().XSetScreenSaver(display_, 0, 0, DontPreferBlanking, DefaultExposures);
        });
    }

private:
    template <typename F>
    kiosk::Status guarded(F&& requests) {
        const XApi& x = x_api();
        x_error_code = 0;
        const auto previous = x.XSetErrorHandler(record_x_error);
        requests();
        x.XSync(display_, 0);
        x.XSetErrorHandler(previous);
        if (x_error_code == 0) return Ok{};
        char text[160] = "";
        x.XGetErrorText(display_, x_error_code, text, sizeof text);
        return make_error("the X server " + name_ + " refused a DPMS request: " + text);
    }

    Display* display_;  // borrowed from SDL (the Screen owns the connection)
    std::string name_;  // the display's name, ":0", for messages
};

Result<std::unique_ptr<power::Backend>> open_x11(Display* display) {
    const XApi& x = x_api();
    if (!x.error.empty()) return make_error("dpms: " + x.error);
    const char* shown = x.XDisplayString(display);
    const std::string name = shown && *shown ? shown : "(unnamed)";
    int event_base = 0, error_base = 0;
    if (!x.DPMSQueryExtension(display, &event_base, &error_base))
        return make_error("dpms: the X server " + name + " has no DPMS extension (`xset q` says so); its video driver "
                          "cannot switch the panel: choose another power backend");
    if (!x.DPMSCapable(display))
        return make_error("dpms: the X server " + name + " says its display is not DPMS capable");
    auto backend = std::make_unique<X11Dpms>(display, name);
    if (auto idle = backend->keep_awake_when_idle(); !idle) return idle.error();
    return std::unique_ptr<power::Backend>(std::move(backend));
}

// ---- KMSDRM ----------------------------------------------------------------------------

struct Connector {
    uint32_t id = 0;
    uint32_t dpms_property = 0;
    std::string name;  // "HDMI-A-1"
};

class DrmDpms final : public power::Backend {
public:
    DrmDpms(int fd, std::string device, std::vector<Connector> connectors)
        : fd_(fd), device_(std::move(device)), connectors_(std::move(connectors)) {}
    const char* name() const override { return "dpms"; }

    kiosk::Status set(bool on) override {
        const DrmApi& d = drm_api();
        for (const Connector& c : connectors_) {
            errno = 0;
            const int rc = d.drmModeConnectorSetProperty(fd_, c.id, c.dpms_property, on ? DRM_MODE_DPMS_ON : DRM_MODE_DPMS_OFF);
            if (rc != 0) {
                // libdrm returns -1 or -errno by version; the ioctl's errno says which.
                const int err = errno != 0 ? errno : -rc;
                std::string why = std::strerror(err);
                if (err == EACCES || err == EPERM) why += " (the kiosk is not the DRM master of " + device_ + ")";
                return make_error("dpms: cannot switch " + c.name + " on " + device_ + " " + (on ? "on" : "off") + ": " + why);
            }
        }
        auto now = query();
        if (!now) return now.error();
        if (*now != (on ? power::Panel::on : power::Panel::off))
            return make_error("dpms: " + device_ + " reports the panel " + word(*now) + " after switching it " +
                              (on ? "on" : "off"));
        return Ok{};
    }

    // On when every connector's DPMS property says on, off when every one says off.
    Result<power::Panel> query() override {
        const DrmApi& d = drm_api();
        int on = 0, off = 0;
        for (const Connector& c : connectors_) {
            drmModeObjectProperties* props = d.drmModeObjectGetProperties(fd_, c.id, DRM_MODE_OBJECT_CONNECTOR);
            if (!props) return make_error("dpms: cannot read the properties of " + c.name + " on " + device_ + ": " + std::strerror(errno));
            for (uint32_t i = 0; i < props->count_props; ++i)
                if (props->props[i] == c.dpms_property) (props->prop_values[i] == DRM_MODE_DPMS_ON ? on : off) += 1;
            d.drmModeFreeObjectProperties(props);
        }
        if (on == static_cast<int>(connectors_.size())) return power::Panel::on;
        if (off == static_cast<int>(connectors_.size())) return power::Panel::off;
        return power::Panel::unknown;
    }

private:
    int fd_;              // borrowed from SDL (the Screen owns it)
    std::string device_;  // "/dev/dri/card0", for messages
    std::vector<Connector> connectors_;
};

Result<std::unique_ptr<power::Backend>> open_kmsdrm(int fd, int dev_index) {
    const DrmApi& d = drm_api();
    if (!d.error.empty()) return make_error("dpms: " + d.error);
    const std::string device = "/dev/dri/card" + std::to_string(dev_index);
    if (fd < 0) return make_error("dpms: SDL has no DRM descriptor for " + device);
    drmModeRes* res = d.drmModeGetResources(fd);
    if (!res) return make_error("dpms: cannot read the outputs of " + device + ": " + std::strerror(errno));
    std::vector<Connector> lit, connected;
    for (int i = 0; i < res->count_connectors; ++i) {
        drmModeConnector* conn = d.drmModeGetConnector(fd, res->connectors[i]);
        if (!conn) continue;
        Connector c;
        c.id = conn->connector_id;
        const char* type = d.drmModeGetConnectorTypeName(conn->connector_type);
        c.name = std::string(type ? type : "connector") + "-" + std::to_string(conn->connector_type_id);
        // In use: connected and driven by a CRTC (the one SDL set its mode on).
        bool driven = false;
        if (conn->connection == DRM_MODE_CONNECTED && conn->encoder_id != 0) {
            if (drmModeEncoder* enc = d.drmModeGetEncoder(fd, conn->encoder_id)) {
                driven = enc->crtc_id != 0;
                d.drmModeFreeEncoder(enc);
            }
        }
        const bool plugged = conn->connection == DRM_MODE_CONNECTED;
        d.drmModeFreeConnector(conn);
        if (!plugged) continue;
        if (drmModeObjectProperties* props = d.drmModeObjectGetProperties(fd, c.id, DRM_MODE_OBJECT_CONNECTOR)) {
            for (uint32_t p = 0; p < props->count_props && c.dpms_property == 0; ++p)
                if (drmModePropertyRes* prop = d.drmModeGetProperty(fd, props->props[p])) {
                    if (std::strcmp(prop->name, "DPMS") == 0) c.dpms_property = prop->prop_id;
                    d.drmModeFreeProperty(prop);
                }
            d.drmModeFreeObjectProperties(props);
        }
        if (c.dpms_property == 0) {
            d.drmModeFreeResources(res);
            return make_error("dpms: " + c.name + " on " + device + " has no DPMS property");
        }
        (driven ? lit : connected).push_back(std::move(c));
    }
    d.drmModeFreeResources(res);
    // Before SDL's first modeset no CRTC may drive the panel yet: then every connected output.
    if (lit.empty()) lit = std::move(connected);
    if (lit.empty()) return make_error("dpms: no output of " + device + " is connected");
    return std::unique_ptr<power::Backend>(std::make_unique<DrmDpms>(fd, device, std::move(lit)));
}

}  // namespace

Result<std::unique_ptr<power::Backend>> open_dpms(SDL_Window* window) {
    const char* driver = sdl().GetCurrentVideoDriver();
    const std::string name = driver ? driver : "none";
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (name != "x11" && name != "KMSDRM")
        return make_error("dpms: the panel's power needs SDL's x11 or KMSDRM video driver, and the screen runs on " + name +
                          " (choose another power backend, or none for a black page)");
    // Not in sdl()'s table: its header brings Xlib's macros, kept to this file.
    std::string missing;
    auto* get_wm_info = shared_library::function<decltype(::SDL_GetWindowWMInfo)>(kLibSdl2, "SDL_GetWindowWMInfo", missing);
    if (!get_wm_info) return make_error("dpms: " + missing);
    if (!get_wm_info(window, &info))
        return make_error(std::string("dpms: SDL does not say which display it drew on: ") + sdl().GetError());
    if (info.subsystem == SDL_SYSWM_X11) return open_x11(info.info.x11.display);
    if (info.subsystem == SDL_SYSWM_KMSDRM) return open_kmsdrm(info.info.kmsdrm.drm_fd, info.info.kmsdrm.dev_index);
    return make_error("dpms: SDL's " + name + " driver gave no X display or DRM device");
}

}  // namespace kiosk::render
