from __future__ import annotations


class ProvinceCode:
    regex = r"\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RegencyCode(ProvinceCode):
    regex = r"\d{2}\.\d{2}"
