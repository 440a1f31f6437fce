"""An app that writes a lot, and garbage, to stdout while it is imported."""

import os
import subprocess
import sys

from qtasks import QueueTasks

for number in range(20_000):
    print(f"loading line {number}")
sys.stdout.write("Content-Length: 99\r\n\r\n")
sys.stdout.flush()
os.write(1, b"\xff\xfe raw bytes that are not UTF-8 \x00\x01\n")
subprocess.run([sys.executable, "-c", "print('the child says hello')"], check=True)

app = QueueTasks(name="noisy")


@app.task(name="noisy.shout")
def shout(text: str) -> str:
    """Repeat the text, louder."""
    return text.upper()


print("app ready")
