//! Arbitrary bytes → each protocol message (the first byte picks which): a message or an error, never a
//! panic. A decoded message re-encodes into exactly `encoded_len` bytes, that encoding decodes again and
//! is a fixed point; every lazily read repeated element decodes or errors inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::protocol::*;

macro_rules! each {
    ($sel:expr, $data:expr, $($m:ident),* $(,)?) => {{
        let names: &[&str] = &[$(stringify!($m)),*];
        let sel = $sel as usize % names.len();
        let mut i = 0;
        $(
            if i == sel {
                match $m::decode($data) {
                    Ok(m) => mimc_fuzz::fixed_point!($m, m),
                    Err(e) => mimc_fuzz::check_error(&e, $data.len()),
                }
            }
            i += 1;
        )*
        let _ = i;
    }};
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    each!(
        sel,
        bytes,
        ClientHeader,
        PushServiceConfigMsg,
        XmMsgConn,
        XmMsgConnResp,
        XmMsgBind,
        XmMsgBindResp,
        XmMsgPing,
        XmMsgKick,
        XmMsgU,
        MimcPacket,
        MimcPacketList,
        MimcPacketAck,
        MimcUser,
        MimcGroup,
        MimcP2pMessage,
        MimcP2tMessage,
        MimcSequenceAck,
        PullMessageRequest,
        MimcOnlineMessageAck,
        UcGroup,
        UcPacket,
        UcPing,
        UcJoin,
        UcJoinResp,
        UcQuit,
        UcQuitResp,
        UcMessage,
        UcMessageList,
        UcSequenceAck,
        UcDismiss,
        UcQueryOnlineUsers,
        UcQueryOnlineUsersResp,
    );
    // Lazily read elements.
    if let Ok(list) = MimcPacketList::decode(bytes) {
        for p in list.packets.iter().take(256) {
            match p {
                Ok(p) => mimc_fuzz::fixed_point!(MimcPacket, p),
                Err(e) => mimc_fuzz::check_error(&e, bytes.len()),
            }
        }
    }
    if let Ok(list) = UcMessageList::decode(bytes) {
        for m in list.message.iter().take(256) {
            if let Err(e) = m {
                mimc_fuzz::check_error(&e, bytes.len());
            }
        }
    }
});
