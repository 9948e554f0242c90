#pragma once
// Errors as values across module boundaries. GCC 12 / clang 14 with libstdc++ 12
// have no std::expected, so the project carries this small one.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace kiosk {

struct Error {
    std::string message;  // says what failed and where, ready for an operator to read
};

template <typename T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}                     // NOLINT(implicit)
    Result(Error error) : v_(std::move(error)) {}                 // NOLINT(implicit)
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const {
        assert(ok());
        return std::get<0>(v_);
    }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const {
        assert(!ok());
        return std::get<1>(v_);
    }

private:
    std::variant<T, Error> v_;
};

inline Error make_error(std::string message) { return Error{std::move(message)}; }

}  // namespace kiosk

namespace kiosk {
struct Ok {};
using Status = Result<Ok>;  // success carries nothing; failure carries the message
}  // namespace kiosk
