"""An audit hook (sys.addaudithook) and a thread started and joined:
prints the audit events the hook saw meanwhile, which must be python3's."""
import sys
import threading

seen = []
sys.addaudithook(lambda event, args: seen.append(event))
t = threading.Thread(target=lambda: None)
t.start()
t.join()
print(sorted(set(seen)))
