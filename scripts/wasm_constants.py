#!/usr/bin/env python3
"""The largest constants (strings, Unicode tables, lookup tables) in cargo's release wasm, the
functions that use them, and which module of the split build holds those functions.

A constant is data, not code, so the per-crate code totals of wasm_breakdown.py never show
it; and the split (scripts/build-wasm) keeps a constant in the main module as soon as one
function there uses it, however rarely that function runs. This reads the data symbols and
relocations the linker keeps (build.rs: --emit-relocs) and the function names of the split
modules, so a large constant the first paint carries points at the code that pulls it in.

    python3 scripts/wasm_constants.py [cargo wasm] [split dir] [how many]
"""
import bisect, collections, pathlib, sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from wasm_breakdown import custom_name, function_bodies, function_imports, function_names, leb, sections  # noqa: E402

# Relocation types with an addend (the wasm tool conventions' Linking.md).
WITH_ADDEND = {3, 4, 5, 8, 9, 11, 14, 15, 16, 17, 21, 22}


def sleb(buf, i):
    result = shift = 0
    while True:
        b = buf[i]; i += 1
        result |= (b & 0x7F) << shift; shift += 7
        if b < 0x80:
            return (result - (1 << shift) if b & 0x40 else result), i


def read_linked(path):
    """Functions (code section offsets and names), symbols and code relocations."""
    buf = pathlib.Path(path).read_bytes()
    imports = 0; functions = []; names = {}; symbols = []; relocations = []
    for sid, body in sections(buf):
        if sid == 2:
            imports = function_imports(body)
        elif sid == 10:
            functions = [(offset, imports + n) for n, (offset, _) in enumerate(function_bodies(body))]
        elif sid == 0:
            name, i = custom_name(body)
            if name == "name":
                names = function_names(body)
            elif name == "linking":
                _, i = leb(body, i)
                while i < len(body):
                    kind = body[i]; size, j = leb(body, i + 1); sub = body[j:j + size]; i = j + size
                    if kind != 8:  # the symbol table
                        continue
                    count, m = leb(sub, 0)
                    for _ in range(count):
                        skind = sub[m]; m += 1; flags, m = leb(sub, m)
                        if skind in (0, 2, 4, 5):  # function, global, tag, table
                            index, m = leb(sub, m)
                            if not flags & 0x10 or flags & 0x40:  # defined, or named import
                                n, m = leb(sub, m); m += n
                            symbols.append(("function", index))
                        elif skind == 1:  # data
                            n, m = leb(sub, m); sname = sub[m:m + n].decode("utf-8", "replace"); m += n
                            if not flags & 0x10:
                                _, m = leb(sub, m); _, m = leb(sub, m); size, m = leb(sub, m)
                                symbols.append(("data", sname, size))
                            else:
                                symbols.append(("data", sname, 0))
                        else:  # section
                            _, m = leb(sub, m); symbols.append(("section",))
            elif name == "reloc.CODE":
                _, i = leb(body, i); count, i = leb(body, i)
                for _ in range(count):
                    rtype = body[i]; i += 1; offset, i = leb(body, i); index, i = leb(body, i)
                    if rtype in WITH_ADDEND: _, i = sleb(body, i)
                    relocations.append((offset, index))
    if not symbols:
        sys.exit(f"{path}: no linking section; build it with the linker's relocations (build.rs)")
    return functions, names, symbols, relocations


def module_of_names(split_dir):
    """{function name: module file stem} over the split build's modules."""
    where = {}
    for path in sorted(pathlib.Path(split_dir).glob("*.wasm")):
        for sid, body in sections(path.read_bytes()):
            if sid == 0 and custom_name(body)[0] == "name":
                for name in function_names(body).values():
                    where.setdefault(name, path.stem)
    return where


def main(path, split_dir, top):
    functions, names, symbols, relocations = read_linked(path)
    where = module_of_names(split_dir) if pathlib.Path(split_dir).is_dir() else {}
    starts = [offset for offset, _ in functions]
    users = collections.defaultdict(set)
    for offset, index in relocations:
        symbol = symbols[index]
        if symbol[0] == "data" and symbol[2] > 0:
            at = bisect.bisect_right(starts, offset) - 1
            users[index].add(names.get(functions[at][1], f"function[{functions[at][1]}]"))
    main_stem = pathlib.Path(path).stem
    in_main = collections.Counter()
    rows = []
    for index, fns in users.items():
        _, sname, size = symbols[index]
        modules = sorted({where.get(f, "?") for f in fns})
        first_paint = main_stem in modules
        in_main[first_paint] += size
        rows.append((size, sname, sorted(fns), modules, first_paint))
    print(f"constants code uses: {sum(in_main.values()) / 1024:.1f} KiB; "
          f"in the main module (first paint) {in_main[True] / 1024:.1f} KiB"
          + ("" if where else f" (no split build at {split_dir}: modules unknown)"))
    print(f"\nlargest {top} constants (bytes before wasm-opt), a function using each, its module")
    for size, sname, fns, modules, first_paint in sorted(rows, reverse=True)[:top]:
        mark = "first paint" if first_paint else ", ".join(modules)
        print(f"  {size:>7}  {mark:<28} {fns[0][:90]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0] if args else "target/wasm32-unknown-unknown/release/article-annotator.wasm",
         args[1] if len(args) > 1 else "target/wasm-split/release/split",
         int(args[2]) if len(args) > 2 else 20)
