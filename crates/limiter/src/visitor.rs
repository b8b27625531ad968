//! Who is counted: one IPv4 address, or one IPv6 /64 (a single subscriber usually holds a whole
//! /64, so counting single IPv6 addresses would let one visitor rotate through billions).

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// A visitor as the limiter counts them. Built from the client IP (trusted-proxy handling
/// happens before, in the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VisitorId(IpAddr);

impl VisitorId {
    /// IPv4 as is; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) as its IPv4; other IPv6 as its /64.
    pub fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => Self(IpAddr::V6(Ipv6Addr::from_bits(
                    v6.to_bits() & !u128::from(u64::MAX),
                ))),
            },
        }
    }
}

impl From<IpAddr> for VisitorId {
    fn from(ip: IpAddr) -> Self {
        Self::from_ip(ip)
    }
}

/// `203.0.113.7` or `2001:db8:1:2::/64`; this is the visitor part of the Redis key.
impl fmt::Display for VisitorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(net) => write!(f, "{net}/64"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor(s: &str) -> VisitorId {
        VisitorId::from_ip(s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0])))
    }

    #[test]
    fn ipv4_is_kept_as_is() {
        assert_eq!(visitor("203.0.113.7").to_string(), "203.0.113.7");
        assert_ne!(visitor("203.0.113.7"), visitor("203.0.113.8"));
    }

    #[test]
    fn ipv6_is_grouped_by_64() {
        let a = visitor("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
        assert_eq!(a, visitor("2001:db8:1:2::1"));
        assert_ne!(a, visitor("2001:db8:1:3::1"));
        assert_eq!(a.to_string(), "2001:db8:1:2::/64");
    }

    #[test]
    fn ipv4_mapped_ipv6_is_the_ipv4_visitor() {
        assert_eq!(visitor("::ffff:203.0.113.7"), visitor("203.0.113.7"));
        assert_eq!(visitor("::ffff:203.0.113.7").to_string(), "203.0.113.7");
    }
}
