#!/usr/bin/env python3
"""Writes crates/glossa-core/src/fold_table.rs: each letter with diacritics (Latin, Greek) and
the plain lower-case letter that search folds it to. Run from the repository root after a
change of ranges: python3 scripts/fold-table.py"""
import unicodedata as u

# Latin-1 Supplement and Latin Extended-A/B, Greek and Coptic, Latin Extended Additional
# (Vietnamese), Greek Extended. Other scripts' letters with marks (Cyrillic й, Devanagari)
# are letters of their own there, so they are left alone.
RANGES = [(0xC0, 0x24F), (0x370, 0x3FF), (0x1E00, 0x1EFF), (0x1F00, 0x1FFF)]
# Letters with a stroke have no decomposition, yet names carry them (Søren, Łódź, Đorđević).
STROKES = {'ø': 'o', 'Ø': 'o', 'ł': 'l', 'Ł': 'l', 'đ': 'd', 'Đ': 'd'}

table = {}
for lo, hi in RANGES:
    for cp in range(lo, hi + 1):
        c = chr(cp)
        if not u.category(c).startswith('L'):
            continue
        d = u.normalize('NFD', c)
        if len(d) >= 2 and all(u.category(m) == 'Mn' for m in d[1:]) and len(d[0].lower()) == 1 \
                and d[0].lower().islower():
            table[c] = d[0].lower()
table.update(STROKES)
# ǿ decomposes to ø, which folds on to o.
table = {k: table.get(v, v) for k, v in table.items()}

with open('crates/glossa-core/src/fold_table.rs', 'w') as f:
    f.write('// Written by scripts/fold-table.py from Unicode %s; do not edit.\n\n' % u.unidata_version)
    f.write('/// (letter with diacritics, its plain lower-case letter), sorted by the first.\n')
    f.write('#[rustfmt::skip]\npub(crate) const LETTERS: [(u16, u16); %d] = [\n' % len(table))
    items = sorted((ord(k), ord(v)) for k, v in table.items())
    for i in range(0, len(items), 8):
        f.write('    ' + ' '.join('(0x%04X, 0x%04X),' % p for p in items[i:i + 8]) + '\n')
    f.write('];\n')
