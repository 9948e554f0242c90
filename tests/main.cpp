#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "health/log.hpp"

int main(int argc, char* argv[]) {
    kiosk::log::set_threshold(kiosk::log::Level::error);
    return Catch::Session().run(argc, argv);
}
