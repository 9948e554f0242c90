#pragma once
// The `dpms` power backend: the panel switched by the display server SDL drew on, through
// SDL's own connection to it (render::Screen::dpms_backend() opens it).
//   x11     the DPMS extension (libXext): DPMSForceLevel(Off/On) on SDL's Display, read back
//           with DPMSInfo. The server's own idle timeouts (DPMS standby/suspend/off and the
//           screen saver) are set to 0 when the backend opens: the kiosk alone decides when
//           the panel sleeps, and a hall's screen, which nobody touches, never blanks by
//           itself while the hall is open. While the panel is off SDL stops resetting the X
//           screen saver (SDL_EnableScreenSaver): its reset every 30 s would otherwise turn
//           the outputs back on through the driver's SaveScreen; it resumes at set(true).
//   kmsdrm  the "DPMS" property of every connector lit by a CRTC, set with libdrm on SDL's
//           DRM fd (which is the DRM master while the kiosk runs), read back from the
//           property.
//   others  (dummy, wayland, …) no backend: an error saying DPMS needs X11 or KMSDRM.
// libXext, libX11 and libdrm are opened at first use, like SDL (base/shared_library.hpp).
//
// Ownership: the backend borrows SDL's X display or DRM fd, which the Screen owns and closes
// when it closes: the backend must be destroyed before the Screen that made it (the run loop
// declares it after the screen, so it goes first). Calls come from the thread that draws
// (SDL's X connection is not shared between threads).
// Order with the screen: show_black() then set(false) when the hall closes; set(true) then
// show() when it opens (KMSDRM cannot flip a page onto a CRTC that is off).
// Leaving the panel as it is when destroyed: a kiosk stopped at night leaves it dark.
#include <memory>

#include "base/result.hpp"
#include "power/backend.hpp"

struct SDL_Window;

namespace kiosk::render {

// The backend for SDL's current video driver and `window` (borrowed; see above).
Result<std::unique_ptr<power::Backend>> open_dpms(SDL_Window* window);

}  // namespace kiosk::render
