#!/usr/bin/env python3
"""Where the wasm's bytes go: code per crate and the largest functions, read from the name
section of cargo's release wasm (before wasm-bindgen and wasm-opt, which drop the names; their
output is smaller, but the shares are what to cut first). Reads the binary itself, so it needs
no tool beyond Python."""
import collections, pathlib, re, sys

def leb(buf, i):
    result = shift = 0
    while True:
        b = buf[i]; i += 1
        result |= (b & 0x7F) << shift; shift += 7
        if b < 0x80: return result, i

def sections(buf):
    assert buf[:4] == b"\0asm", "not a wasm file"
    i = 8
    while i < len(buf):
        sid = buf[i]; size, j = leb(buf, i + 1)
        yield sid, buf[j:j + size]; i = j + size

def is_describe(name):
    """wasm-bindgen's describe functions: wasm-bindgen runs them to learn the types at the
    boundary, then removes them, so they are not part of what ships."""
    return name.startswith("__wbindgen_describe") or "describe..WasmDescribe" in name

def crate_of(name):
    # v0 mangling (the precompiled std's): the first crate root, C<disambiguator>_<len><ident>.
    v0 = re.match(r"_R.*?C(?:s[0-9A-Za-z]*_)?(\d+)([A-Za-z_]\w*)", name)
    if v0:
        return v0.group(2)[:int(v0.group(1))]
    # Legacy Rust mangling: _ZN<len><ident>...E ; the first ident is the crate (or `_$LT$`
    # for an impl: take the type's crate).
    m = re.match(r"_ZN(\d+)", name)
    if not m:
        if "::" in name:  # already demangled
            return re.sub(r"^[<&\s]*(dyn\s+|impl\s+)?", "", name).split("::")[0]
        return "(unnamed or C)"
    n = int(m.group(1)); ident = name[m.end():m.end() + n]
    if ident.startswith("_$LT$"):
        inner = re.match(r"_\$LT\$([A-Za-z0-9_]+)", ident)
        return inner.group(1) if inner else ident
    return ident

def function_imports(body):
    """How many functions the import section imports (they take the first indices)."""
    imports = 0
    count, i = leb(body, 0)
    for _ in range(count):
        for _ in range(2):
            n, i = leb(body, i); i += n
        kind = body[i]; i += 1
        if kind == 0: _, i = leb(body, i); imports += 1
        elif kind == 1: i += 1; flags, i = leb(body, i); _, i = leb(body, i); i = leb(body, i)[1] if flags & 1 else i
        elif kind == 2: flags, i = leb(body, i); _, i = leb(body, i); i = leb(body, i)[1] if flags & 1 else i
        elif kind == 3: i += 2
        else: i += 1; _, i = leb(body, i)
    return imports

def function_bodies(body):
    """The code section's function bodies: (offset in the section, size with its length)."""
    count, i = leb(body, 0)
    for _ in range(count):
        size, j = leb(body, i); yield i, size + (j - i); i = j + size

def custom_name(body):
    """A custom section's name and where its contents start."""
    n, i = leb(body, 0)
    return body[i:i + n].decode("utf-8", "replace"), i + n

def function_names(body):
    """The "name" custom section's function names: {function index: name}."""
    names = {}
    _, k = custom_name(body)
    while k < len(body):
        sub = body[k]; size, k2 = leb(body, k + 1)
        if sub == 1:
            count, m = leb(body, k2)
            for _ in range(count):
                idx, m = leb(body, m); ln, m = leb(body, m)
                names[idx] = body[m:m + ln].decode("utf-8", "replace"); m += ln
        k = k2 + size
    return names

def main(path, top):
    buf = pathlib.Path(path).read_bytes()
    imports = 0; bodies = []; names = {}; data = 0; custom = collections.Counter()
    for sid, body in sections(buf):
        if sid == 2:
            imports = function_imports(body)
        elif sid == 10:
            bodies = [size for _, size in function_bodies(body)]
        elif sid == 11:
            data = len(body)
        elif sid == 0:
            cname, _ = custom_name(body)
            custom[cname] += len(body)
            if cname == "name":
                names = function_names(body)
    per_crate = collections.Counter(); funcs = []; described = []
    for n, size in enumerate(bodies):
        name = names.get(imports + n, f"function[{imports + n}]")
        if is_describe(name):
            described.append(size); continue
        per_crate[crate_of(name)] += size; funcs.append((size, name))
    code = sum(size for size, _ in funcs)
    print(f"{path}: code {code / 1024:.1f} KiB in {len(funcs)} functions, data (strings, tables) {data / 1024:.1f} KiB")
    print(f"(not counted: {sum(described) / 1024:.1f} KiB in {len(described)} describe functions, which wasm-bindgen removes)")
    print("\ncode per crate (KiB, before wasm-opt)")
    for crate, size in per_crate.most_common(top):
        print(f"  {crate:<32} {size / 1024:>8.1f}  {100 * size / code:>5.1f}%")
    print(f"\nlargest {top} functions (bytes)")
    for size, name in sorted(funcs, reverse=True)[:top]:
        print(f"  {size:>8}  {name[:110]}")

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)
