#include "schedule/plan.hpp"

#include <algorithm>

namespace kiosk::schedule {

std::vector<PlanRun> simulate(const config::Playlist& playlist, const ContentState& content, std::time_t from,
                              double seconds, const Settings& settings, const UtcOffsetAt& offset) {
    std::vector<PlanRun> runs;
    History history;
    double t = static_cast<double>(from);
    const double end = t + seconds;
    for (int steps = 0; t < end && steps < 1000000; ++steps) {
        const auto now_t = static_cast<std::time_t>(t);
        const Now now = make_now(now_t, offset(now_t));
        const Decision d = decide(playlist, content, now, history, settings);
        history = record(std::move(history), d, now);
        PlanRun* last = runs.empty() ? nullptr : &runs.back();
        const bool continues = last && last->item_id == d.slot.item_id && last->interrupt == d.slot.interrupt &&
                               (d.slot.standing() || d.slot.page == last->last_page + 1);
        if (!continues) {
            if (last) last->end = now_t;
            PlanRun run;
            run.item_id = d.slot.item_id;
            run.first_page = d.slot.page;
            run.interrupt = d.slot.interrupt;
            run.start = now_t;
            if (auto it = content.find(d.slot.item_id); it != content.end()) run.of = it->second.pages;
            runs.push_back(std::move(run));
        }
        runs.back().last_page = d.slot.page;
        t += d.seconds;
    }
    if (!runs.empty()) runs.back().end = static_cast<std::time_t>(t);
    return runs;
}

HallPlan simulate_hall(const config::Playlist& playlist, const ContentState& content, std::time_t from, double seconds,
                       const Settings& settings, const UtcOffsetAt& offset, const config::OpeningHours& opening,
                       const config::HallCalendar* calendar) {
    HallPlan plan;
    const auto end = static_cast<std::time_t>(static_cast<double>(from) + seconds);
    plan.power = power_changes(opening, calendar, from, end, offset);
    // The on spans within [from, end): from the state at `from`, then each change.
    std::time_t on_since = power_at(opening, calendar, from, offset).on ? from : 0;
    auto play = [&](std::time_t a, std::time_t b) {
        if (b <= a) return;
        AwakeSpan span{a, b, simulate(playlist, content, a, static_cast<double>(b - a), settings, offset)};
        for (auto& run : span.runs) run.end = std::min(run.end, b);  // the last page is cut short by the panel going off
        plan.awake.push_back(std::move(span));
    };
    for (const PowerChange& c : plan.power) {
        if (c.on) {
            if (!on_since) on_since = c.at;
        } else if (on_since) {
            play(on_since, c.at);
            on_since = 0;
        }
    }
    if (on_since) play(on_since, end);
    return plan;
}

std::vector<PlanLine> fold(const std::vector<PlanRun>& runs) {
    std::vector<PlanLine> lines;
    for (size_t i = 0; i < runs.size();) {
        size_t best_len = 1, best_times = 1;
        for (size_t len = 1; len <= 4 && i + len <= runs.size(); ++len) {
            size_t times = 1;
            while (i + (times + 1) * len <= runs.size()) {
                bool same = true;
                for (size_t k = 0; k < len && same; ++k) same = runs[i + k].same_play(runs[i + times * len + k]);
                if (!same) break;
                ++times;
            }
            if (times >= 2 && times * len > best_times * best_len) {
                best_len = len;
                best_times = times;
            }
        }
        PlanLine line;
        line.cycle.assign(runs.begin() + static_cast<long>(i), runs.begin() + static_cast<long>(i + best_len));
        line.times = static_cast<int>(best_times);
        const size_t last = i + best_len * best_times - 1;
        line.start = runs[i].start;
        line.end = runs[last].end;
        lines.push_back(std::move(line));
        i = last + 1;
    }
    return lines;
}

}  // namespace kiosk::schedule
