//! The work of the connection's size program (`mimc-codec-connection`): a whole client session through
//! `mimc_codec::protocol::Connection`, with the server's frames given. CONN out, the CONN response in
//! (the body key), the signed BIND out, the BIND response in (bound), a COMPOUND packet list in (its
//! messages read, its SEQUENCE_ACK out), a P2P message out and its PACKET_ACK in, a keep-alive on the
//! timer and its answer, and a KICK at the end. Every frame the connection writes goes to `sent`.
//!
//! `firmware/src/connection.rs` (the size program) and `firmware/src/qemu/protocol.rs` (the QEMU
//! program, which checks every frame sent and every event) both run this function.

use mimc_codec::Error;
use mimc_codec::protocol::{Connection, Event, KEEP_ALIVE};

/// The server's side of the session: the frames it sends, in order.
pub struct Server<'s> {
    /// The CONN response (brings the challenge).
    pub conn_resp: &'s [u8],
    /// The BIND response.
    pub bind_resp: &'s [u8],
    /// A COMPOUND packet list for this client.
    pub compound: &'s [u8],
    /// The PACKET_ACK of the message the client sends (its id is the client's fourth).
    pub packet_ack: &'s [u8],
    /// A KICK.
    pub kick: &'s [u8],
}

/// The message the client sends.
pub struct Send<'m> {
    /// The recipient's account.
    pub to: &'m str,
    /// The app's bytes.
    pub payload: &'m [u8],
    /// Its bizType.
    pub biz_type: &'m str,
}

/// Events the session may see (more are dropped and counted).
pub const EVENTS: usize = 12;

/// What the session saw.
#[allow(dead_code)] // the size program hands it to `black_box` whole; the QEMU program reads it
pub struct Outcome {
    /// The events, in order.
    pub events: [Option<Event>; EVENTS],
    /// How many events there were.
    pub event_count: usize,
    /// Frames the connection wrote.
    pub sent: usize,
    /// Messages read from the packet list.
    pub received: usize,
    /// The sequence of the last message read.
    pub sequence: i64,
    /// The first 16 bytes of the last message's payload, and its length.
    pub payload: ([u8; 16], usize),
    /// The deadline the keep-alive was sent at.
    pub ping_at: Option<u64>,
}

impl Outcome {
    fn events_from(&mut self, conn: &mut Connection<'_>) {
        while let Some(e) = conn.poll_event() {
            if let Some(slot) = self.events.get_mut(self.event_count) {
                *slot = Some(e);
            }
            self.event_count += 1;
        }
    }

    fn transmit(&mut self, conn: &mut Connection<'_>, tx: &mut [u8], sent: &mut dyn FnMut(&[u8])) {
        while let Some(frame) = conn.poll_transmit(tx) {
            self.sent += 1;
            sent(frame);
        }
    }
}

/// Runs the session (see the module docs) on `conn`, fresh from `Connection::new`; `tx` is the
/// transmit buffer (`TRANSMIT_CAPACITY` bytes).
pub fn run(
    conn: &mut Connection<'_>,
    server: &Server<'_>,
    message: &Send<'_>,
    tx: &mut [u8],
    sent: &mut dyn FnMut(&[u8]),
) -> Result<Outcome, Error> {
    let mut o = Outcome {
        events: [None; EVENTS],
        event_count: 0,
        sent: 0,
        received: 0,
        sequence: 0,
        payload: ([0; 16], 0),
        ping_at: None,
    };
    conn.connect(0);
    o.transmit(conn, tx, sent);
    conn.handle_input(server.conn_resp, 10);
    o.events_from(conn);
    o.transmit(conn, tx, sent);
    conn.handle_input(server.bind_resp, 20);
    o.events_from(conn);
    conn.handle_input(server.compound, 30);
    while let Some(d) = conn.poll_message() {
        o.received += 1;
        o.sequence = d.sequence;
        let n = d.payload.len().min(16);
        o.payload.0[..n].copy_from_slice(&d.payload[..n]);
        o.payload.1 = d.payload.len();
    }
    o.transmit(conn, tx, sent);
    conn.send_p2p(message.to, message.payload, message.biz_type, 40)?;
    o.transmit(conn, tx, sent);
    conn.handle_input(server.packet_ack, 50);
    o.events_from(conn);
    o.ping_at = conn.poll_timeout();
    if let Some(at) = o.ping_at {
        conn.handle_timeout(at);
    }
    o.transmit(conn, tx, sent);
    conn.handle_input(&KEEP_ALIVE, o.ping_at.unwrap_or(0) + 5);
    conn.handle_input(server.kick, o.ping_at.unwrap_or(0) + 10);
    o.events_from(conn);
    Ok(o)
}
