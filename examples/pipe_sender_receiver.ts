// Sharing Data with Pipe — two workers talk over the two ends of a Pipe.
//
// Python original (seed "Sharing Data with Pipe"):
//
//   from multiprocessing import Process, Pipe
//
//   def sender(conn):
//       conn.send("Hello from sender")
//       conn.send([1, 2, 3])
//       response = conn.recv()
//       print(f"Sender received: {response}")
//       conn.close()
//
//   def receiver(conn):
//       msg = conn.recv()
//       print(f"Receiver got: {msg}")
//       data = conn.recv()
//       print(f"Receiver got: {data}")
//       conn.send("Thanks!")
//       conn.close()
//
//   if __name__ == "__main__":
//       parent_conn, child_conn = Pipe()
//       p1 = Process(target=sender, args=(parent_conn,))
//       p2 = Process(target=receiver, args=(child_conn,))
//       p1.start()
//       p2.start()
//       p1.join()
//       p2.join()
//
// Run it: `node examples/pipe_sender_receiver.ts`, `deno run -A examples/pipe_sender_receiver.ts`
// or `bun examples/pipe_sender_receiver.ts`.
//
// Each worker gets one end of the same Pipe (shared memory, not a copy). `send()` returns at once;
// `await recv()` waits for the next message (inside a worker, `recvSync()` would block instead,
// like Python). `show` prints a list the way Python does.
import { type Connection, Pipe, Process } from "../mod.ts";

type Message = string | number[];

function show(value: Message): string {
  return Array.isArray(value) ? `[${value.join(", ")}]` : value;
}

/** Sends two messages and waits for the answer (Python: `sender(conn)`). */
async function sender(conn: Connection<Message>): Promise<void> {
  conn.send("Hello from sender");
  conn.send([1, 2, 3]);
  const response = await conn.recv();
  console.log(`Sender received: ${show(response)}`);
  conn.close();
}

/** Receives two messages and answers (Python: `receiver(conn)`). */
async function receiver(conn: Connection<Message>): Promise<void> {
  const msg = await conn.recv();
  console.log(`Receiver got: ${show(msg)}`);
  const data = await conn.recv();
  console.log(`Receiver got: ${show(data)}`);
  conn.send("Thanks!");
  conn.close();
}

const [parentConn, childConn] = Pipe<Message>();
const p1 = new Process({ target: sender, args: [parentConn] });
const p2 = new Process({ target: receiver, args: [childConn] });
p1.start();
p2.start();
await p1.join();
await p2.join();
for (const p of [p1, p2]) {
  if (p.exitCode !== 0) throw new Error(`${p.name} failed`, { cause: p.error });
}
