"""Memory and CPU of a process tree, read from /proc (crawler, forkserver, extraction workers,
and the neighbours a benchmark names: the Postgres server, the sample site)."""

from __future__ import annotations

import os
import threading

KIB = 1024
SAMPLE_EVERY = 0.1  # seconds between two readings of the process tree
TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds so far) for every process, from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            found[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def _tree(root: int, processes: dict[int, tuple[int, float]]) -> list[int]:
    """``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in processes.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; PSS splits shared pages among their sharers."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * KIB
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * KIB
    except OSError:
        pass
    return rss, pss


def _role(pid: int) -> str:
    """crawler, worker (multiprocessing: forkserver, extraction workers) or profiler."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().split(b"\0")
    except OSError:
        return "crawler"
    if b"py-spy" in argv[0]:
        return "profiler"
    return "worker" if any(b"multiprocessing" in a for a in argv) else "crawler"


class TreeWatch(threading.Thread):
    """Peak summed RSS and PSS, and CPU time by role, of the crawl's process tree (crawler,
    forkserver, extraction workers); and the CPU time the Postgres server and the sample site
    spend meanwhile. Read from /proc every SAMPLE_EVERY seconds."""

    def __init__(self, root: int, neighbours: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.root, self.neighbours = root, neighbours
        self.peak_rss = self.peak_pss = self.peak_processes = self.largest = 0
        self.roles: dict[int, str] = {}
        self.cpu: dict[int, float] = {}  # pid -> CPU seconds at the last reading
        self.before: dict[int, float] = {}  # neighbours' pids -> CPU seconds at the start
        self.done = threading.Event()
        self._read_neighbours(_processes(), first=True)

    def run(self) -> None:
        while not self.done.is_set():
            processes = _processes()
            tree = [p for p in _tree(self.root, processes) if p in processes]
            for pid in tree:
                if pid not in self.roles:
                    self.roles[pid] = _role(pid)
            tree = [p for p in tree if self.roles[p] != "profiler"]
            sizes = [_memory(pid) for pid in tree]
            self.peak_rss = max(self.peak_rss, sum(r for r, _ in sizes))
            self.largest = max([self.largest, *(r for r, _ in sizes)])
            self.peak_pss = max(self.peak_pss, sum(p for _, p in sizes))
            self.peak_processes = max(self.peak_processes, len(tree))
            self.cpu.update((pid, processes[pid][1]) for pid in tree)
            self._read_neighbours(processes)
            self.done.wait(SAMPLE_EVERY)

    def _read_neighbours(
        self, processes: dict[int, tuple[int, float]], first: bool = False
    ) -> None:
        for role, root in self.neighbours.items():
            for pid in _tree(root, processes):
                if pid in processes:
                    self.roles.setdefault(pid, role)
                    self.before.setdefault(pid, processes[pid][1] if first else 0.0)
                    self.cpu[pid] = processes[pid][1] - self.before[pid]

    def cpu_of(self, role: str) -> float:
        return sum(cpu for pid, cpu in self.cpu.items() if self.roles[pid] == role)


def crawl_children(root: int, processes: dict[int, tuple[int, float]] | None = None) -> int:
    """How many of ``root``'s own children run `kliping crawl` (a crawl's forkserver, in the
    instant between its fork and its exec, still shows the crawl's command line: not counted,
    as it is a grandchild)."""
    processes = _processes() if processes is None else processes
    found = 0
    for pid, (parent, _) in processes.items():
        if parent != root:
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            continue
        found += b"kliping" in argv and b"crawl" in argv
    return found
