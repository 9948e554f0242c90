#pragma once
// The four levels of China's 突发事件预警 (蓝色 IV级 一般, 黄色 III级 较大, 橙色 II级 严重,
// 红色 I级 特别严重), their words and their colours, shared by the office (which maps a CAP
// or GB/T 35965.1 message to a level, warning/cap.hpp) and the screen (which colours the
// urgent band and the ticker's marker). Pure and header-only: config/, fleet/, text/ and
// console/ all read it.
#include <cstdint>
#include <optional>
#include <string>

namespace kiosk::warning {

enum class Level { none, blue, yellow, orange, red };

// "blue", "yellow", "orange", "red" ("" for none): the notice body's and the rules' word.
inline const char* level_name(Level level) {
    switch (level) {
        case Level::blue: return "blue";
        case Level::yellow: return "yellow";
        case Level::orange: return "orange";
        case Level::red: return "red";
        case Level::none: break;
    }
    return "";
}

inline std::optional<Level> parse_level(const std::string& name) {
    for (Level l : {Level::none, Level::blue, Level::yellow, Level::orange, Level::red})
        if (name == level_name(l)) return l;
    return std::nullopt;
}

// 蓝色, 黄色, 橙色, 红色 ("" for none): as in 暴雪橙色预警.
inline const char* level_words(Level level) {
    switch (level) {
        case Level::blue: return "蓝色";
        case Level::yellow: return "黄色";
        case Level::orange: return "橙色";
        case Level::red: return "红色";
        case Level::none: break;
    }
    return "";
}

// The level's colour as 0xRRGGBB, and the text colour that reads on it: white on blue and
// red, dark on yellow and orange (white on #F07D00 is 2.75:1, too faint across a hall; dark
// is 6.3:1). The signal colours of GB/T 27962 (气象灾害预警信号图标), as a panel shows them:
// a saturated blue, yellow, orange and red.
struct LevelColors {
    std::uint32_t band = 0;
    std::uint32_t text = 0xFFFFFF;
};
inline LevelColors level_colors(Level level) {
    switch (level) {
        case Level::blue: return {0x1561C9, 0xFFFFFF};
        case Level::yellow: return {0xF7C600, 0x1A1A1A};
        case Level::orange: return {0xF07D00, 0x1A1A1A};
        case Level::red: return {0xD9001B, 0xFFFFFF};
        case Level::none: break;
    }
    return {0, 0xFFFFFF};
}

// Whether the level is urgent: 橙 and 红 interrupt (an urgent notice in the urgent style);
// 蓝 and 黄 run in the ticker (issue 29).
inline bool urgent_level(Level level) { return level == Level::orange || level == Level::red; }

}  // namespace kiosk::warning
