"""The command-line benchmark runs, and its batches answer every line, identically: a small
run of `python -m triglot.throughput` (its figures are not judged: speed is no test)."""
import json
import subprocess
import sys

from triglot import registry


def test_a_small_throughput_run_answers_every_line():
    done = subprocess.run([sys.executable, "-m", "triglot.throughput", "--calls", "400", "--inputs", "3000",
                           "--json"], capture_output=True, text=True, cwd=registry.root(), timeout=300)
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)
    for key, n in (("batch_doubles", 400), ("batch_doubles_text", 400), ("batch_mixed", 200),
                   ("batch_mixed_text", 200)):
        b = r[key]
        assert b["exit"] == 0 and b["lines_out"] == n and b["verdicts"] == {"identical": n}, (key, b)
        assert b["calls_per_s"] > 0
    assert [f["inputs"] for f in r["fuzz"]] == [3000, 3000, 300]
    assert all(f["unexplained"] == 0 and f["exit"] == 0 for f in r["fuzz"])
    assert r["json"]["decode_orjson_us"] > 0 and r["json"]["encode_template_us"] > 0
