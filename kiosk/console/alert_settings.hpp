#pragma once
// console.json's `alerts` section: the channels alerts go to (console/alert_channels.hpp).
//   "alerts": {"channels": [
//     {"id": "it-wecom", "name": "信息科企业微信群", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"},
//     {"id": "it-ding", "name": "信息科钉钉群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=…", "secret": "SEC…"},
//     {"id": "ops-hook", "name": "运维平台", "kind": "webhook", "url": "https://…"},
//     {"id": "it-mail", "name": "信息科邮箱", "kind": "email", "smtp": "smtp://mail.example.gov.cn:587", "starttls": true,
//      "username": "…", "password_file": "/etc/kiosk-console/smtp.pass", "from": "kiosk@example.gov.cn",
//      "to": ["it@example.gov.cn"], "ca_file": ""}]}
// The SMTP password is read here from its password_file (mode 0600 or stricter), once, at start.
#include <filesystem>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.hpp"
#include "console/alert_channels.hpp"

namespace kiosk::console {

// `alerts`: the value of the key; `file`: console.json (errors name it, relative paths are
// relative to its folder). Every error names the file and the channel.
Result<std::vector<AlertChannel>> parse_alert_channels(const nlohmann::json& alerts, const std::filesystem::path& file);

}  // namespace kiosk::console
