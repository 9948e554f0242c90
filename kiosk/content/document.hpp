#pragma once
// The Document: what an article is, independent of where it came from (text file,
// portal page) and of how it will be set. Text is UTF-8.
#include <string>
#include <vector>

namespace kiosk::content {

enum class Role { title, meta, heading, paragraph, article, list, caption };
enum class Align { start, center, end };

struct Block {
    Role role = Role::paragraph;
    std::string text;
    int level = 0;  // headings: 1 for 一、/第一章, 2 for （一）/第一节
    Align align = Align::start;
};

struct Document {
    std::string title;
    std::vector<Block> blocks;  // the title and meta lines are blocks too, in reading order
};

const char* role_name(Role role);

}  // namespace kiosk::content
