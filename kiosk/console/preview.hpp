#pragma once
// Previews with the kiosk's own engine: the console writes a one-item playlist and a
// kiosk.json holding the office's page style into a temporary folder and runs
// `kiosk render` on it for each screen size — in its own process, so a page that upsets the
// renderer can never take the console down, and under a time limit.
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace kiosk::console {

struct PreviewPages {
    int width = 0, height = 0;
    std::vector<std::string> png;  // the pages, in order (at most max_pages)
    int total = 0;                  // every page of the item: the N of its 第 x/N 页
};

struct PreviewRequest {
    std::filesystem::path kiosk_binary;
    nlohmann::json office_config;  // the office's kiosk.json as written (style keys are taken from it)
    // One playlist item. One whose source is a web address is fetched by `kiosk render
    // --fetch` as a screen fetches it: the office's allowlist, the page's own address for
    // its links and pictures, never a file of the console's disk.
    nlohmann::json item;
    std::vector<std::pair<int, int>> sizes;
    std::string now;  // --now: an ISO time in the office's zone (notices are dated)
    int max_pages = 6;
    // A 滚动字幕 notice (playlist item, "interrupt": "ticker") in force beside `item`: the
    // pages show it in the ticker band, as the screens do (null: none).
    nlohmann::json ticker;
};

Result<std::vector<PreviewPages>> render_preview(const PreviewRequest& request);

// The reason shown after 预览失败： from kiosk render's standard error: its last line, without
// "kiosk: ", "preview: " and "the comparison could not be made: " (the log lines before it are
// the screen's, in English, and no help to a clerk).
std::string preview_failure_reason(std::string_view err);

// Runs a program with arguments and environment additions; its standard output (at most
// `max_output` bytes) and exit status, or an error when it could not start or ran past
// `timeout_ms` (then it is killed).
struct ToolRun {
    int status = -1;
    std::string out, err;
};
Result<ToolRun> run_tool(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env, int timeout_ms,
                         std::size_t max_output);

}  // namespace kiosk::console
