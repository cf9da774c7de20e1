"""Write the translations of ``translations.py`` into ru and zh_Hans django.po; fail on any msgid left untranslated."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from translations import PLURALS, T

HERE = Path(__file__).parent


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


QUOTED = re.compile(r'^(?:msgid(?:_plural)?|msgstr(?:\[\d\])?)?\s*"(.*)"$')


def _unquote(lines: list[str]) -> str:
    parts = [QUOTED.match(line) for line in lines]
    return "".join(part.group(1) for part in parts if part).replace('\\"', '"')


def fill(language: str, index: int) -> list[str]:
    path = HERE / language / "LC_MESSAGES" / "django.po"
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    missing: list[str] = []
    out = [blocks[0]]
    for block in blocks[1:]:
        lines = block.strip("\n").split("\n")
        comments = [line for line in lines if line.startswith("#")]
        body = [line for line in lines if not line.startswith("#")]
        starts = [i for i, line in enumerate(body) if re.match(r"^(msgid|msgid_plural|msgstr)", line)]
        parts: dict[str, list[str]] = {}
        for position, start in enumerate(starts):
            end = starts[position + 1] if position + 1 < len(starts) else len(body)
            key = body[start].split(" ", 1)[0]
            parts[key] = body[start:end]
        msgid = _unquote(parts["msgid"])
        new = comments + parts["msgid"]
        if "msgid_plural" in parts:
            new += parts["msgid_plural"]
            if msgid not in PLURALS:
                missing.append(msgid)
                out.append(block)
                continue
            forms = PLURALS[msgid][0] if index == 0 else (PLURALS[msgid][1],)
            new += [f"msgstr[{n}] {_quote(form)}" for n, form in enumerate(forms)]
        else:
            if msgid not in T:
                missing.append(msgid)
                out.append(block)
                continue
            new.append(f"msgstr {_quote(T[msgid][index])}")
        out.append("\n".join(line for line in new if not line.startswith("#, fuzzy")))
    path.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    return missing


if __name__ == "__main__":
    left = fill("ru", 0) + fill("zh_Hans", 1)
    if left:
        print("untranslated:", *left, sep="\n  ")
        sys.exit(1)
