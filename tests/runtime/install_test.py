#!/usr/bin/env python3
"""cmake --install into a temporary prefix, then configure, build and run a
consumer project that uses find_package(Interlock) + Interlock::runtime."""
import os
import subprocess
import sys
import tempfile


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0 and not kw.get("check_none"):
        pass
    return proc


def main():
    build_dir, consumer_src, cmake = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory(prefix="interlock-install-") as tmp:
        prefix = os.path.join(tmp, "prefix")
        proc = run([cmake, "--install", build_dir, "--prefix", prefix, "--component", "Unspecified"])
        if proc.returncode != 0:
            print("install failed\n", proc.stdout, proc.stderr)
            return 1
        for rel in ["lib/libinterlock.so", "include/interlock/interlock.h", "lib/cmake/Interlock/InterlockConfig.cmake",
                    "lib/cmake/Interlock/InterlockConfigVersion.cmake", "lib/cmake/Interlock/InterlockTargets.cmake"]:
            if not os.path.exists(os.path.join(prefix, rel)):
                print("missing after install:", rel)
                return 1
        build = os.path.join(tmp, "consumer-build")
        proc = run([cmake, "-S", consumer_src, "-B", build, f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_BUILD_TYPE=Debug"])
        if proc.returncode != 0:
            print("consumer configure failed\n", proc.stdout, proc.stderr)
            return 1
        proc = run([cmake, "--build", build])
        if proc.returncode != 0:
            print("consumer build failed\n", proc.stdout, proc.stderr)
            return 1
        env = dict(os.environ)
        env.pop("LD_PRELOAD", None)
        env.pop("INTERLOCK_OPTIONS", None)
        proc = run([os.path.join(build, "consumer_app")], env=env, timeout=60)
        ok = (proc.returncode == 66 and "lock-order-inversion" in proc.stderr and "findings: 1" in proc.stdout)
        ldd = run(["ldd", os.path.join(build, "consumer_app")]).stdout
        if prefix not in ldd:
            print("consumer does not load the installed libinterlock:\n", ldd)
            return 1
        if not ok:
            print("consumer run: exit", proc.returncode, "\n", proc.stdout, proc.stderr)
            return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
