#pragma once
// How the outside world reaches the running kiosk, on one thread that sleeps in poll():
//  - the playlist file changing (inotify on its folder: editors write a temp file and rename);
//  - SIGHUP (reload the configuration);
//  - `kiosk refresh [ITEM]` and `kiosk reload` over a Unix socket in the runtime folder
//    (mode 0660, so the kiosk group may use it).
// Each event is queued and `wake` is called so the frame loop takes it at once.
#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace kiosk::app {

struct ControlEvent {
    enum class Kind { playlist_changed, reload, refresh } kind;
    std::string item;  // refresh: one item, or empty for all
};

class ControlChannel {
public:
    // `wake` must be callable from another thread (Screen::wake is).
    static Result<std::unique_ptr<ControlChannel>> start(const std::filesystem::path& playlist,
                                                         const std::filesystem::path& socket_path,
                                                         std::function<void()> wake);
    ~ControlChannel();  // stops and joins the thread, removes the socket
    ControlChannel(const ControlChannel&) = delete;
    ControlChannel& operator=(const ControlChannel&) = delete;

    std::deque<ControlEvent> take();
    // The playlist's item ids: `refresh ITEM` for another id is answered with an error.
    void set_known_items(std::set<std::string> ids);

private:
    ControlChannel() = default;
    void run();
    void serve(int client);
    void push(ControlEvent e);

    UniqueFd inotify_fd_;
    UniqueFd socket_fd_;
    UniqueFd wake_read_, wake_write_;  // a pipe: SIGHUP and shutdown write here
    std::string playlist_name_;
    std::filesystem::path socket_path_;
    std::function<void()> wake_;
    std::mutex mutex_;
    std::deque<ControlEvent> queue_;
    std::optional<std::set<std::string>> known_items_;  // none yet: any id is taken
    std::thread thread_;
};

// Sends one command line to a running kiosk's socket; returns its answer. Gives up after
// `timeout` (a kiosk that is stuck, or a socket nobody answers).
Result<std::string> send_control(const std::filesystem::path& socket_path, const std::string& command,
                                 std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

}  // namespace kiosk::app
