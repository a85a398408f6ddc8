"""A small Cypher tokenizer shared by the read-only guard and the portability check.

It knows only what both checks need: string literals, backtick-quoted names,
comments, words, numbers, parameters and punctuation. String contents and
comments never look like keywords to a caller.
"""

from __future__ import annotations

from dataclasses import dataclass

WORD = "word"
STRING = "string"
QUOTED_NAME = "quoted_name"
PARAMETER = "parameter"
NUMBER = "number"
PUNCT = "punct"


class CypherSyntaxError(ValueError):
    """Cypher text the tokenizer cannot split, such as an unterminated string."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


_TWO_CHAR_PUNCT = ("+=", "..", "<>", "<=", ">=", "=~", "->", "<-", "{{", "}}")


def tokenize(text: str) -> list[Token]:
    """Split Cypher text into tokens, dropping whitespace and comments."""
    tokens: list[Token] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            index += 1
        elif text.startswith("//", index):
            end = text.find("\n", index)
            index = length if end == -1 else end + 1
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end == -1:
                raise CypherSyntaxError(f"unterminated /* comment at offset {index}")
            index = end + 2
        elif char in "'\"":
            end = _string_end(text, index)
            tokens.append(Token(STRING, text[index : end + 1], index))
            index = end + 1
        elif char == "`":
            end = text.find("`", index + 1)
            if end == -1:
                raise CypherSyntaxError(f"unterminated `name` at offset {index}")
            tokens.append(Token(QUOTED_NAME, text[index + 1 : end], index))
            index = end + 1
        elif char == "$":
            end = _word_end(text, index + 1)
            tokens.append(Token(PARAMETER, text[index + 1 : end], index))
            index = max(end, index + 1)
        elif char.isalpha() or char == "_":
            end = _word_end(text, index)
            tokens.append(Token(WORD, text[index:end], index))
            index = end
        elif char.isdigit():
            end = index
            while end < length and (text[end].isalnum() or text[end] == "_"):
                end += 1
            tokens.append(Token(NUMBER, text[index:end], index))
            index = end
        elif text[index : index + 2] in _TWO_CHAR_PUNCT:
            tokens.append(Token(PUNCT, text[index : index + 2], index))
            index += 2
        else:
            tokens.append(Token(PUNCT, char, index))
            index += 1
    return tokens


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    index = start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == quote:
            return index
        index += 1
    raise CypherSyntaxError(f"unterminated string literal at offset {start}")


def _word_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return end


def blank_literals(text: str) -> str:
    """Return the text with comments removed and string contents blanked.

    Offsets are kept: every removed character becomes a space, so regular
    expressions over the result can report positions in the original text.
    """
    chars = list(text)
    cursor = 0
    for token in tokenize(text):
        for index in range(cursor, token.start):
            if not chars[index].isspace():
                chars[index] = " "
        if token.kind == STRING:
            end = token.start + len(token.text)
            for index in range(token.start + 1, end - 1):
                chars[index] = " "
            cursor = end
        elif token.kind == QUOTED_NAME:
            cursor = token.start + len(token.text) + 2
        elif token.kind == PARAMETER:
            cursor = token.start + len(token.text) + 1
        else:
            cursor = token.start + len(token.text)
    for index in range(cursor, len(chars)):
        if not chars[index].isspace():
            chars[index] = " "
    return "".join(chars)
