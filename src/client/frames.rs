//! The HTTP/2 PING frames a connection sends, counted from the bytes it
//! writes (in the clear: TLS is the library's own layer under them).
//!
//! hyper sends those pings from inside its connection task to find a dead
//! connection (see `ConnectOptions::dead_connection_timeout`) and says
//! nothing when it does; what it writes is the client preface and then
//! whole frames, each a 9-byte header (a 24-bit payload length, the type,
//! the flags, the stream) and its payload. Following the headers costs a
//! few comparisons a write: payloads are skipped, never read.

/// What a client writes first (RFC 9113, section 3.4).
const PREFACE_LEN: usize = 24;
const HEADER_LEN: usize = 9;
const PING: u8 = 0x6;
const ACK: u8 = 0x1;

/// Where the written bytes stand in the frame sequence.
pub(crate) struct Frames {
    /// Bytes still to skip: the rest of the preface or of a payload.
    skip: usize,
    /// The header being read, and how much of it is.
    header: [u8; HEADER_LEN],
    have: usize,
}

impl Frames {
    pub(crate) fn new() -> Frames {
        Frames {
            skip: PREFACE_LEN,
            header: [0; HEADER_LEN],
            have: 0,
        }
    }

    /// Follows `bytes`, the next ones written, and gives how many PING
    /// frames (acknowledgements of the server's not counted) begin in them.
    pub(crate) fn pings_in(&mut self, mut bytes: &[u8]) -> u64 {
        let mut pings = 0;
        while !bytes.is_empty() {
            if self.skip > 0 {
                let n = self.skip.min(bytes.len());
                self.skip -= n;
                bytes = &bytes[n..];
                continue;
            }
            let n = (HEADER_LEN - self.have).min(bytes.len());
            self.header[self.have..self.have + n].copy_from_slice(&bytes[..n]);
            self.have += n;
            bytes = &bytes[n..];
            if self.have == HEADER_LEN {
                let h = &self.header;
                if h[3] == PING && h[4] & ACK == 0 {
                    pings += 1;
                }
                self.skip = usize::from(h[0]) << 16 | usize::from(h[1]) << 8 | usize::from(h[2]);
                self.have = 0;
            }
        }
        pings
    }

    /// As [`pings_in`](Self::pings_in), for the first `written` bytes of
    /// `bufs` (a vectored write).
    pub(crate) fn pings_in_vectored(
        &mut self,
        bufs: &[std::io::IoSlice<'_>],
        written: usize,
    ) -> u64 {
        let mut left = written;
        let mut pings = 0;
        for buf in bufs {
            if left == 0 {
                break;
            }
            let n = buf.len().min(left);
            pings += self.pings_in(&buf[..n]);
            left -= n;
        }
        pings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
        let len = payload.len() as u32;
        let mut f = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
        f.extend_from_slice(&stream.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    /// The preface, SETTINGS, a DATA frame whose payload looks like a PING
    /// header, a PING, a PING acknowledgement, HEADERS, another PING.
    fn written() -> Vec<u8> {
        let mut w = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
        assert_eq!(w.len(), PREFACE_LEN);
        w.extend(frame(0x4, 0, 0, &[0, 3, 0, 0, 0, 100]));
        let fake_ping = frame(PING, 0, 0, &[0; 8]);
        w.extend(frame(
            0x0,
            0,
            1,
            &[fake_ping.as_slice(), &[7; 70_000]].concat(),
        ));
        w.extend(frame(PING, 0, 0, &[1; 8]));
        w.extend(frame(PING, ACK, 0, &[2; 8]));
        w.extend(frame(0x1, 0x4, 3, &[9; 20]));
        w.extend(frame(PING, 0, 0, &[3; 8]));
        w
    }

    #[test]
    fn counts_pings_not_acknowledgements_nor_look_alikes_in_payloads() {
        assert_eq!(Frames::new().pings_in(&written()), 2);
    }

    #[test]
    fn counts_the_same_however_the_writes_split_the_bytes() {
        let w = written();
        for size in [1, 2, 5, 9, 10, 23, 24, 25, 4096, 65_536] {
            let mut frames = Frames::new();
            let pings: u64 = w.chunks(size).map(|c| frames.pings_in(c)).sum();
            assert_eq!(pings, 2, "writes of {size}");
        }
        // Vectored writes that stop partway, the rest written next.
        let mut frames = Frames::new();
        let mut pings = 0;
        let mut rest = w.as_slice();
        while !rest.is_empty() {
            let (a, b) = rest.split_at(rest.len().min(7));
            let bufs = [std::io::IoSlice::new(a), std::io::IoSlice::new(b)];
            let written = (a.len() + b.len()).min(11);
            pings += frames.pings_in_vectored(&bufs, written);
            rest = &rest[written..];
        }
        assert_eq!(pings, 2);
    }
}
