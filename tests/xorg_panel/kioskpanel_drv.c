/* kioskpanel: an Xorg video driver for tests, standing in for a panel behind a video card.
 *
 * Debian 12's dummy driver (xserver-xorg-video-dummy 0.4.0) never calls xf86DPMSInit, so an
 * Xorg running it has no DPMS extension at all ("Server does not have the DPMS Extension")
 * and the kiosk's dpms backend has nothing to talk to. This driver is the dummy's simplest
 * form — a 640x480 framebuffer in memory, no RandR outputs — plus what a real driver does
 * for DPMS: xf86DPMSInit with a hook that the server calls with each power level. The hook
 * writes the level into the Xorg log ("kioskpanel: panel power off"), which is where the
 * test reads what reached the "panel". Everything between the kiosk and this hook is the
 * real thing: libXext, the X protocol, Xorg's DPMS extension and its screen saver logic.
 *
 * Loaded from the build tree: Xorg -modulepath BUILD/tests,/usr/lib/xorg/modules with
 * Driver "kioskpanel" in the Device section (tests/test_dpms_x11.py).
 */
#include "xorg-server.h"  /* first, as every driver */

#include <stdlib.h>

#include <X11/extensions/dpmsconst.h>

#include "xorgVersion.h"
#include "xf86.h"
#include "xf86_OSproc.h"
#include "xf86Modes.h"
#include "fb.h"
#include "micmap.h"
#include "mipointer.h"
#include "picturestr.h"

#define PANEL_NAME "KIOSKPANEL"
#define PANEL_DRIVER "kioskpanel"
#define PANEL_WIDTH 640
#define PANEL_HEIGHT 480

typedef struct {
    void *framebuffer;
    CloseScreenProcPtr close_screen;
} PanelRec;

static const OptionInfoRec panel_options[] = {{-1, NULL, OPTV_NONE, {0}, FALSE}};
static SymTabRec panel_chipsets[] = {{0, "kioskpanel"}, {-1, NULL}};

static const OptionInfoRec *panel_available_options(int chipid, int busid) { return panel_options; }

static void panel_identify(int flags) { xf86PrintChipsets(PANEL_NAME, "test panel with DPMS", panel_chipsets); }

/* What a panel does with a power level; here: say it in the log. */
static void panel_dpms_set(ScrnInfoPtr scrn, int level, int flags) {
    static const char *words[] = {"on", "standby", "suspend", "off"};
    xf86DrvMsg(scrn->scrnIndex, X_INFO, "kioskpanel: panel power %s\n",
               level >= 0 && level <= 3 ? words[level] : "unknown");
}

static Bool panel_save_screen(ScreenPtr screen, int mode) { return TRUE; }

static Bool panel_close_screen(ScreenPtr screen) {
    ScrnInfoPtr scrn = xf86ScreenToScrn(screen);
    PanelRec *panel = scrn->driverPrivate;
    screen->CloseScreen = panel->close_screen;
    free(panel->framebuffer);
    panel->framebuffer = NULL;
    scrn->vtSema = FALSE;
    return (*screen->CloseScreen)(screen);
}

static Bool panel_screen_init(ScreenPtr screen, int argc, char **argv) {
    ScrnInfoPtr scrn = xf86ScreenToScrn(screen);
    PanelRec *panel = scrn->driverPrivate;
    panel->framebuffer = calloc((size_t)scrn->displayWidth * scrn->virtualY, scrn->bitsPerPixel / 8);
    if (!panel->framebuffer) return FALSE;
    miClearVisualTypes();
    if (!miSetVisualTypes(scrn->depth, miGetDefaultVisualMask(scrn->depth), scrn->rgbBits, scrn->defaultVisual))
        return FALSE;
    if (!miSetPixmapDepths()) return FALSE;
    if (!fbScreenInit(screen, panel->framebuffer, scrn->virtualX, scrn->virtualY, scrn->xDpi, scrn->yDpi,
                      scrn->displayWidth, scrn->bitsPerPixel))
        return FALSE;
    for (VisualPtr visual = screen->visuals + screen->numVisuals; --visual >= screen->visuals;)
        if ((visual->class | DynamicClass) == DirectColor) {
            visual->offsetRed = scrn->offset.red;
            visual->offsetGreen = scrn->offset.green;
            visual->offsetBlue = scrn->offset.blue;
            visual->redMask = scrn->mask.red;
            visual->greenMask = scrn->mask.green;
            visual->blueMask = scrn->mask.blue;
        }
    fbPictureInit(screen, 0, 0);
    xf86SetBlackWhitePixels(screen);
    xf86SetBackingStore(screen);
    miDCInitialize(screen, xf86GetPointerScreenFuncs());
    if (!miCreateDefColormap(screen)) return FALSE;
    screen->SaveScreen = panel_save_screen;
    xf86DPMSInit(screen, panel_dpms_set, 0);
    panel->close_screen = screen->CloseScreen;
    screen->CloseScreen = panel_close_screen;
    scrn->vtSema = TRUE;
    return TRUE;
}

static Bool panel_pre_init(ScrnInfoPtr scrn, int flags) {
    if (flags & PROBE_DETECT) return TRUE;
    scrn->driverPrivate = calloc(1, sizeof(PanelRec));
    if (!scrn->driverPrivate) return FALSE;
    scrn->chipset = (char *)"kioskpanel";
    scrn->monitor = scrn->confScreen->monitor;
    if (!xf86SetDepthBpp(scrn, 24, 0, 0, Support32bppFb)) return FALSE;
    xf86PrintDepthBpp(scrn);
    rgb zeros = {0, 0, 0};
    if (!xf86SetWeight(scrn, zeros, zeros)) return FALSE;
    if (!xf86SetDefaultVisual(scrn, -1)) return FALSE;
    Gamma no_gamma = {0.0, 0.0, 0.0};
    if (!xf86SetGamma(scrn, no_gamma)) return FALSE;
    scrn->progClock = TRUE;
    scrn->videoRam = PANEL_WIDTH * PANEL_HEIGHT * 4 / 1024;
    DisplayModePtr mode = xf86CVTMode(PANEL_WIDTH, PANEL_HEIGHT, 60, FALSE, FALSE);
    if (!mode) return FALSE;
    mode->type = M_T_DRIVER | M_T_PREFERRED;
    mode->next = mode->prev = mode;  /* the server walks the list as a ring */
    scrn->modes = scrn->currentMode = mode;
    scrn->virtualX = scrn->displayWidth = PANEL_WIDTH;
    scrn->virtualY = PANEL_HEIGHT;
    xf86SetDpi(scrn, 0, 0);
    return xf86LoadSubModule(scrn, "fb") != NULL;
}

static Bool panel_enter_vt(ScrnInfoPtr scrn) { return TRUE; }
static void panel_leave_vt(ScrnInfoPtr scrn) {}

static void panel_free_screen(ScrnInfoPtr scrn) {
    free(scrn->driverPrivate);
    scrn->driverPrivate = NULL;
}

static Bool panel_probe(DriverPtr driver, int flags) {
    GDevPtr *sections = NULL;
    int count;
    Bool found = FALSE;
    if (flags & PROBE_DETECT) return FALSE;
    if ((count = xf86MatchDevice(PANEL_DRIVER, &sections)) <= 0) return FALSE;
    for (int i = 0; i < count; i++) {
        int entity = xf86ClaimNoSlot(driver, 0, sections[i], TRUE);
        ScrnInfoPtr scrn = xf86AllocateScreen(driver, 0);
        if (!scrn) continue;
        xf86AddEntityToScreen(scrn, entity);
        scrn->driverVersion = 1;
        scrn->driverName = (char *)PANEL_DRIVER;
        scrn->name = (char *)PANEL_NAME;
        scrn->Probe = panel_probe;
        scrn->PreInit = panel_pre_init;
        scrn->ScreenInit = panel_screen_init;
        scrn->EnterVT = panel_enter_vt;
        scrn->LeaveVT = panel_leave_vt;
        scrn->FreeScreen = panel_free_screen;
        found = TRUE;
    }
    free(sections);
    return found;
}

/* No console or VT needed: the panel is memory. */
static Bool panel_driver_func(ScrnInfoPtr scrn, xorgDriverFuncOp op, void *ptr) {
    if (op == GET_REQUIRED_HW_INTERFACES) {
        *(CARD32 *)ptr = HW_SKIP_CONSOLE;
        return TRUE;
    }
    return FALSE;
}

_X_EXPORT DriverRec KIOSKPANEL = {1, (char *)PANEL_DRIVER, panel_identify, panel_probe, panel_available_options,
                                  NULL, 0, panel_driver_func, NULL, NULL, NULL};

static void *panel_setup(void *module, void *opts, int *errmaj, int *errmin) {
    static Bool done = FALSE;
    if (done) {
        if (errmaj) *errmaj = LDR_ONCEONLY;
        return NULL;
    }
    done = TRUE;
    xf86AddDriver(&KIOSKPANEL, module, HaveDriverFuncs);
    return (void *)1;
}

static XF86ModuleVersionInfo panel_version = {
    PANEL_DRIVER, "kiosk tests", MODINFOSTRING1, MODINFOSTRING2, XORG_VERSION_CURRENT, 1, 0, 0,
    ABI_CLASS_VIDEODRV, ABI_VIDEODRV_VERSION, MOD_CLASS_VIDEODRV, {0, 0, 0, 0}};

_X_EXPORT XF86ModuleData kioskpanelModuleData = {&panel_version, panel_setup, NULL};
