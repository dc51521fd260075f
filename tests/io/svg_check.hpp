// svg_check.hpp: a minimal XML well-formedness check and SVG helpers for the plot tests.
//
// check_xml covers what our writer could get wrong: tags balanced and properly nested,
// exactly one root element, attributes name="value" with quoted values, no raw '<' or
// unknown entities in text or attribute values. Not a validating parser (no DTDs, CDATA
// or comments; the writer emits none).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rockpool::test {

inline std::size_t count_substr(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string_view::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

// "" if `xml` is well-formed, else what is wrong and where.
inline std::string check_xml(std::string_view xml) {
  auto is_name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == ':' || c == '.';
  };
  auto check_entities = [](std::string_view text, std::size_t at) -> std::string {
    for (std::size_t k = 0; k < text.size(); ++k) {
      if (text[k] == '<') return "raw '<' at " + std::to_string(at + k);
      if (text[k] != '&') continue;
      const std::size_t semi = text.find(';', k);
      if (semi == std::string_view::npos) return "unterminated entity at " + std::to_string(at + k);
      const std::string_view name = text.substr(k + 1, semi - k - 1);
      if (name != "amp" && name != "lt" && name != "gt" && name != "quot" && name != "apos") {
        return "unknown entity '&" + std::string(name) + ";' at " + std::to_string(at + k);
      }
    }
    return "";
  };
  std::vector<std::string> open;
  std::size_t roots = 0;
  std::size_t p = 0;
  if (xml.substr(0, 5) == "<?xml") {
    p = xml.find("?>");
    if (p == std::string_view::npos) return "unterminated XML declaration";
    p += 2;
  }
  while (p < xml.size()) {
    const std::size_t lt = xml.find('<', p);
    const std::string_view text = xml.substr(p, lt == std::string_view::npos ? std::string_view::npos : lt - p);
    if (open.empty() && text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      return "text outside the root element at " + std::to_string(p);
    }
    if (auto e = check_entities(text, p); !e.empty()) return e;
    if (lt == std::string_view::npos) break;
    std::size_t q = lt + 1;
    const bool closing = q < xml.size() && xml[q] == '/';
    if (closing) ++q;
    const std::size_t name_start = q;
    while (q < xml.size() && is_name_char(xml[q])) ++q;
    const std::string name(xml.substr(name_start, q - name_start));
    if (name.empty()) return "tag without a name at " + std::to_string(lt);
    bool self_closing = false;
    for (;;) {  // attributes
      while (q < xml.size() && (xml[q] == ' ' || xml[q] == '\n' || xml[q] == '\t')) ++q;
      if (q >= xml.size()) return "unterminated tag <" + name + "> at " + std::to_string(lt);
      if (xml[q] == '>') break;
      if (xml[q] == '/' && q + 1 < xml.size() && xml[q + 1] == '>') {
        self_closing = true;
        ++q;
        break;
      }
      if (closing) return "attributes in a closing tag at " + std::to_string(q);
      const std::size_t a = q;
      while (q < xml.size() && is_name_char(xml[q])) ++q;
      if (q == a) return "bad character '" + std::string(1, xml[q]) + "' in tag <" + name + "> at " + std::to_string(q);
      if (q + 1 >= xml.size() || xml[q] != '=' || (xml[q + 1] != '"' && xml[q + 1] != '\'')) {
        return "attribute without a quoted value in <" + name + "> at " + std::to_string(a);
      }
      const char quote = xml[q + 1];
      const std::size_t end = xml.find(quote, q + 2);
      if (end == std::string_view::npos) return "unterminated attribute value at " + std::to_string(q);
      if (auto e = check_entities(xml.substr(q + 2, end - q - 2), q + 2); !e.empty()) return e;
      q = end + 1;
    }
    if (closing) {
      if (open.empty() || open.back() != name) {
        return "</" + name + "> at " + std::to_string(lt) + " closes " + (open.empty() ? "nothing" : "<" + open.back() + ">");
      }
      open.pop_back();
    } else if (!self_closing) {
      if (open.empty()) ++roots;
      open.push_back(name);
    } else if (open.empty()) {
      ++roots;
    }
    if (roots > 1) return "a second root element <" + name + "> at " + std::to_string(lt);
    p = q + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  if (roots != 1) return "no root element";
  return "";
}

}  // namespace rockpool::test
