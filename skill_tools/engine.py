"""Run the rules: parse each file once, run file rules (in parallel, cached by content), then
skill rules over every file's facts, then suppressions and selection. No output here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .document import Document, Link, CodeSpan
from .crossrefs import ROOT_VAR, SKILL_DIRS, FileFacts, SkillFacts, Suppression, Target, facts_of
from .model import ERROR, Finding, Hit
from .rules import FILE, SKILL, all_rules, matches

# Below this much text a process pool costs more (forks, imports, pickling) than it saves.
PARALLEL_MIN_BYTES = 150_000
MAX_LINK_HOPS = 10  # rounds of following links to files outside the standard folders


@dataclass
class FileResult:
    hits: list  # (code, Hit)
    facts: FileFacts


@dataclass
class Result:
    findings: list
    files_checked: int
    stats: dict = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


class LintError(Exception):
    """An internal error, with the file that was being checked."""

    @classmethod
    def wrap(cls, path, exc):
        return cls(f"{path}: internal error: {exc.__class__.__name__}: {exc}")


def _file_rules(config) -> list:
    """(code, rule) of the enabled per-file rules, computed once per selection."""
    key = (config.select, config.ignore)
    if key not in _FILE_RULES:
        _FILE_RULES[key] = [(c, r) for c, r in all_rules().items() if r.scope == FILE and _enabled(c, config)]
    return _FILE_RULES[key]


_FILE_RULES: dict = {}


def check_file(rel: str, data: bytes, skill_name: str, config) -> FileResult:
    doc = Document(rel, data, skill_name)
    hits = []
    for code, rule in _file_rules(config):
        if doc.kind not in rule.kinds:
            continue
        if doc.binary and not code.startswith("IO"):
            continue
        for hit in rule.check(doc, config):
            hits.append((code, hit))
    return FileResult(hits, facts_of(doc))


# ---- cache ----------------------------------------------------------------------------


def _to_json(result: FileResult) -> str:
    facts = asdict(result.facts)
    facts["anchors"] = sorted(result.facts.anchors)
    facts["mentions"] = sorted(result.facts.mentions)
    facts["names"] = sorted(result.facts.names)
    return json.dumps({"hits": [[c, asdict(h)] for c, h in result.hits], "facts": facts})


def _from_json(text: str) -> FileResult:
    data = json.loads(text)
    f = data["facts"]
    facts = FileFacts(
        rel=f["rel"], kind=f["kind"], anchors=frozenset(f["anchors"]),
        links=tuple(Link(**x) for x in f["links"]), spans=tuple(CodeSpan(**x) for x in f["spans"]),
        prose=tuple(CodeSpan(**x) for x in f["prose"]), names=frozenset(f["names"]),
        targets=tuple(Target(**x) for x in f["targets"]),
        mentions=frozenset(f["mentions"]),
        ranges=tuple(Suppression(**{**x, "codes": tuple(x["codes"])}) for x in f["ranges"]),
        fences=f["fences"], python_blocks=f["python_blocks"], fragments=f["fragments"],
    )
    return FileResult([(c, Hit(**h)) for c, h in data["hits"]], facts)


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A hash of skill-lint's own code and data: a changed rule never reads a stale result."""
    h = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".toml", ".json") and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


class Cache:
    """Results by file content, path, tool version and configuration. JSON, never pickle:
    a cache folder committed by a stranger must not be able to run code."""

    def __init__(self, folder: Path, config):
        self.folder = Path(folder)
        self.salt = f"{__version__}|{_code_fingerprint()}|{config.fingerprint()}"
        self.hits = 0

    def key(self, rel, skill_name, data) -> str:
        h = hashlib.sha256(f"{self.salt}|{skill_name}|{rel}|".encode())
        h.update(data)
        return h.hexdigest()

    def get(self, key):
        path = self.folder / key[:2] / f"{key}.json"
        try:
            result = _from_json(path.read_text("utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.hits += 1
        return result

    def put(self, key, result):
        try:
            folder = self.folder / key[:2]
            folder.mkdir(parents=True, exist_ok=True)
            marker = self.folder / ".gitignore"
            if not marker.exists():
                marker.write_text("*\n")
            tmp = folder / f".{key}.{os.getpid()}.tmp"
            tmp.write_text(_to_json(result), "utf-8")
            os.replace(tmp, folder / f"{key}.json")
        except OSError:
            pass  # a read-only cache folder only costs speed


# ---- running --------------------------------------------------------------------------


def _work(args):
    rel, path, skill_name, config = args
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        return check_file(rel, data, skill_name, config)
    except RecursionError:
        return FileResult([("IO002", Hit(1, 1, "file nested too deeply to check"))], FileFacts(rel, "other"))
    except Exception as exc:  # noqa: BLE001 - re-raised with the file's name
        raise LintError.wrap(path, exc) from exc


def _display(root: Path, rel: str) -> str:
    return posixpath.normpath(posixpath.join(_display_root(root, os.getcwd()), rel))


@functools.lru_cache(maxsize=4096)
def _display_root(root: Path, cwd: str) -> str:
    """The skill folder as the user would type it: relative to the working directory."""
    try:
        return Path(os.path.relpath(root, cwd)).as_posix()
    except ValueError:  # other drive on Windows
        return root.as_posix()


def _check_all(tasks, results, config, cache, workers):
    """Check files, from the cache where possible, in parallel when there is much to read."""
    keys, pending = {}, []
    for t in tasks:
        s_index, rel, path, name = t
        if cache is not None:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise LintError.wrap(path, exc) from exc
            key = cache.key(rel, name, data)
            keys[(s_index, rel)] = key
            hit = cache.get(key)
            if hit is not None:
                results[(s_index, rel)] = hit
                continue
        pending.append(t)
    sizes = {t[2]: _size(t[2]) for t in pending} if workers.jobs > 1 and len(pending) > 1 else {}
    parallel = sum(sizes.values()) >= PARALLEL_MIN_BYTES
    if parallel:  # largest first: the workers finish together
        pending.sort(key=lambda t: -sizes[t[2]])
    args = [(rel, path, name, config) for _, rel, path, name in pending]
    if parallel:
        outputs = workers.map(_work, args)
    else:
        outputs = [_work(a) for a in args]
    for (s_index, rel, _, _), out in zip(pending, outputs):
        results[(s_index, rel)] = out
        if cache is not None:
            cache.put(keys[(s_index, rel)], out)


def _size(path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _reached_paths(skill, rel, facts) -> list:
    """Skill-relative paths a checked file reaches: its link targets, the paths it names that
    exist, and bare file names that sit next to it or at the skill root. Only SKILL.md and
    the Markdown it reaches lead on: a script's string literals are not directions to Claude."""
    if facts.kind != "markdown":
        return []
    out = []
    for target in facts.targets:
        if not (target.external or target.absolute or target.escapes or target.installed):
            out.append(target.path)
    out += [p for p in facts.mentions if p in skill.paths]
    here = posixpath.dirname(rel)
    lower = {p.lower(): p for p in skill.paths if posixpath.dirname(p) in ("", here)}
    for name in facts.names:  # `read FORMS.md` reaches forms.md: LK013 reports the case, once
        for base in {"", here}:
            path = lower.get(posixpath.join(base, name).lower())
            if path:
                out.append(path)
    return out


MAX_REACHED_FOLDER = 1000  # files taken from one folder that a file names (`fonts/`)


def _linked_extras(skills, results, batch) -> list:
    """Files inside a skill folder, outside its standard folders, that its files link to or
    name (`see forms.md`, `fonts/`).

    They are part of the skill (Claude follows the link; the packager ships them), so they are
    checked too, and so are the files they reach in turn.
    """
    tasks = []
    for s_index in batch:
        skill = skills[s_index]
        known = {rel for rel, _ in skill.files}
        new = []
        root = Path(skill.root).resolve()
        for rel in sorted(known):
            res = results.get((s_index, rel))
            if res is None:
                continue
            linked = {t.path for t in res.facts.targets}
            for path in _reached_paths(skill, rel, res.facts):
                if path in known or path.split("/", 1)[0] in SKILL_DIRS or path == "SKILL.md" \
                        or any(part.startswith(".") for part in path.split("/")):
                    continue
                full = Path(skill.root) / path
                try:
                    real = full.resolve(strict=True)
                except (OSError, RuntimeError):
                    continue  # missing or a loop: LK001 reports the link
                if real != root and root not in real.parents:
                    skill.bad_links.append((path, "linked file lies outside the skill through a symbolic link; not followed"))
                    known.add(path)
                    skill.paths = skill.paths | {path}  # IO003 explains it; not also LK001
                    continue
                if full.is_dir() and not full.is_symlink():
                    skill.paths = skill.paths | {path}
                    if path not in linked and path in _spoken(rel, res.facts):
                        # a folder SKILL.md names in its text (`fonts/`): its files are read or searched
                        for sub in _folder_files(full, path)[:MAX_REACHED_FOLDER]:
                            if sub[0] not in known:
                                known.add(sub[0])
                                new.append(sub)
                    continue  # a link to a folder: LK003 names it, folders are not followed
                if not full.is_file():
                    if not full.is_dir():
                        skill.special_files.append((path, "not a regular file (named pipe, socket or device); not read"))
                        known.add(path)
                        skill.paths = skill.paths | {path}
                    continue
                known.add(path)
                new.append((path, full))
        if new:
            skill.files = skill.files + new
            parents = {"/".join(p.split("/")[:i]) for p, _ in new for i in range(1, p.count("/") + 1)}
            skill.paths = skill.paths | {p for p, _ in new} | parents
            tasks += [(s_index, rel, full, skill.folder_name) for rel, full in new]
    return tasks


def _spoken(rel, facts) -> set:
    """Paths SKILL.md names in its own words (prose and inline code, not code blocks)."""
    if rel != "SKILL.md":
        return set()
    return {posixpath.normpath(ROOT_VAR.sub("", s.content.strip()).rstrip("/") or ".") for s in facts.spans + facts.prose}


def _folder_files(folder: Path, rel: str) -> list:
    out = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        base = rel + Path(dirpath).relative_to(folder).as_posix().join(["/", ""]) if dirpath != str(folder) else rel
        for f in sorted(filenames):
            full = Path(dirpath) / f
            if not f.startswith(".") and full.is_file() and not full.is_symlink():
                out.append((f"{base.rstrip('/')}/{f}", full))
        if len(out) >= MAX_REACHED_FOLDER:
            break
    return out


BATCH_FILES = 2000  # skills are checked in batches of about this many files: memory stays flat


def run(skills, config, *, jobs: int = 0, cache: Cache | None = None, only=None, extra=None, whole_skills=()) -> Result:
    """Lint `skills` (SkillSource list). `only`: paths to report on (single files), besides
    every file of the `whole_skills` (resolved roots named as folders in the same run).
    `extra`: {(skill index, rel): [(code, Hit)]} from other checkers (--verify-imports)."""
    jobs = jobs or os.cpu_count() or 1
    findings, checked = [], 0
    stats = {"python_blocks": 0, "fragments": 0, "fences": 0, "templates": 0, "skills": len(skills)}
    workers = _Workers(jobs)
    try:
        for batch in _batches(skills):
            checked += _run_batch(skills, batch, config, cache, workers, extra or {}, findings, stats)
    finally:
        workers.shutdown()
    if only is not None:
        wanted = {Path(p).resolve() for p in only}
        whole = {Path(s.root).resolve() for s in skills if Path(s.root).resolve() in set(map(Path, whole_skills))}
        findings = [f for f in findings if Path(f.path).resolve() in wanted
                    or any(r == Path(f.path).resolve().parent or r in Path(f.path).resolve().parents for r in whole)]
    findings = [f for f in findings if _selected(f, config)]
    findings.sort(key=Finding.sort_key)
    return Result(findings, checked, stats)


class _Workers:
    """A process pool, started when a batch first has enough unchecked text to share."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = None

    def map(self, fn, args) -> list:
        if self.pool is None:
            from concurrent.futures import ProcessPoolExecutor

            _preload()
            self.pool = ProcessPoolExecutor(max_workers=self.jobs)
        return list(self.pool.map(fn, args, chunksize=max(1, len(args) // (self.jobs * 8))))

    def shutdown(self):
        if self.pool is not None:
            self.pool.shutdown()


def _preload():
    """Import the parsers once, before the workers fork, instead of once in each worker."""
    import importlib

    for module in ("jinja2.sandbox", "pyflakes.checker", "pyromark"):
        importlib.import_module(module)

    from .rules import all_rules

    all_rules()


def _batches(skills):
    batch, size = [], 0
    for i, skill in enumerate(skills):
        batch.append(i)
        size += len(skill.files)
        if size >= BATCH_FILES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _run_batch(skills, batch, config, cache, workers, extra, findings, stats) -> int:
    """Check the files of some skills, then their skill rules; only findings are kept."""
    results: dict = {}
    tasks = [(i, rel, path, skills[i].folder_name) for i in batch for rel, path in skills[i].files]
    checked = 0
    for _ in range(MAX_LINK_HOPS):
        if not tasks:
            break
        checked += len(tasks)
        _check_all(tasks, results, config, cache, workers)
        tasks = _linked_extras(skills, results, batch)

    rules = all_rules()
    for s_index in batch:
        skill = skills[s_index]
        facts = SkillFacts(str(skill.root), skill.name)
        facts.paths = skill.paths
        facts.bad_links = skill.bad_links
        facts.special_files = skill.special_files
        per_file: dict = {}
        for rel, _ in skill.files:
            res = results[(s_index, rel)]
            facts.files[rel] = res.facts
            per_file.setdefault(rel, []).extend(res.hits)
            stats["python_blocks"] += res.facts.python_blocks
            stats["fragments"] += res.facts.fragments
            stats["fences"] += res.facts.fences
            stats["templates"] += res.facts.kind == "template"
        for code, rule in rules.items():
            if rule.scope == SKILL and _enabled(code, config):
                for rel, hit in rule.check(facts, config):
                    per_file.setdefault(rel, []).append((code, hit))
        for (index, rel), hits in ((k, v) for k, v in extra.items() if k != "_stats"):
            if index == s_index:
                per_file.setdefault(rel, []).extend(hits)
        for rel, hits in per_file.items():
            ranges = facts.files[rel].ranges if rel in facts.files else ()
            for code, hit in _suppress(hits, ranges, config):
                findings.append(_finding(skill.root, rel, code, hit, rules, config))
    return checked


def _suppress(hits, ranges, config):
    used = set()
    kept = []
    for code, hit in hits:
        suppressed = False
        for i, s in enumerate(ranges):
            if s.start <= hit.line <= s.end and (not s.codes or matches(code, s.codes)):
                used.add(i)
                suppressed = True
        if not suppressed:
            kept.append((code, hit))
    for i, s in enumerate(ranges):
        if i in used:
            continue
        codes = s.codes or ("ALL",)
        if all(_enabled(c, config) for c in codes):
            what = ", ".join(s.codes) if s.codes else "all rules"
            kept.append(("SL001", Hit(s.line, 1, f"skill-lint-{s.action} for {what} suppresses nothing; remove it")))
    return kept


def _enabled(code, config) -> bool:
    return matches(code, config.select) and not matches(code, config.ignore) if code != "ALL" else True


def _selected(f: Finding, config) -> bool:
    if not _enabled(f.code, config):
        return False
    if config.per_file_ignores:
        import fnmatch

        path = f.path
        candidates = {path}
        if config.root is not None:
            try:
                candidates.add(Path(os.path.relpath(Path(path).resolve(), config.root)).as_posix())
            except ValueError:
                pass
        for glob, codes in config.per_file_ignores.items():
            if any(fnmatch.fnmatch(c, glob) or posixpath.basename(c) == glob for c in candidates) and matches(f.code, codes):
                return False
    return True


def _finding(root, rel, code, hit, rules, config) -> Finding:
    rule = rules.get(code)
    severity = hit.severity or (rule.severity if rule else ERROR)
    return Finding(_display(root, rel), max(1, hit.line), max(1, hit.column), code,
                   rule.name if rule else code.lower(), severity, hit.message)
