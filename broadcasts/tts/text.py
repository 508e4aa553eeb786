"""Splitting a bulletin into pieces an engine accepts, at sentence boundaries where possible."""

import re

SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+|\n+")
CLAUSE_END = re.compile(r"(?<=[,–])\s+")


def _pieces(text, pattern):
    return [piece.strip() for piece in pattern.split(text) if piece and piece.strip()]


def split_for_engine(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters: whole sentences packed together; a sentence longer than
    the limit is cut at clause boundaries (commas), then between words, never inside a word (unless
    a single word is longer than the limit)."""
    if limit < 1:
        raise ValueError("limit must be positive")
    chunks, current = [], ""

    def push(piece):
        nonlocal current
        if not current:
            current = piece
        elif len(current) + 1 + len(piece) <= limit:
            current = f"{current} {piece}"
        else:
            chunks.append(current)
            current = piece

    for sentence in _pieces(text, SENTENCE_END):
        if len(sentence) <= limit:
            push(sentence)
            continue
        for clause in _pieces(sentence, CLAUSE_END):
            if len(clause) <= limit:
                push(clause)
                continue
            for word in clause.split():
                while len(word) > limit:
                    push(word[:limit])
                    word = word[limit:]
                push(word)
    if current:
        chunks.append(current)
    return chunks
