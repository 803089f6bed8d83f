import Glibc
import Systemd
import Testing

@Suite struct OpenFileLimitTests {
    @Test func theSoftLimitIsRaisedToTheHardLimit() {
        var limit = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        // Lower the soft limit first, as systemd starts services at 1024, so the raise has something to do.
        var lowered = limit
        lowered.rlim_cur = min(limit.rlim_max, 512)
        #expect(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lowered) == 0)
        #expect(OpenFileLimit.current == UInt64(lowered.rlim_cur))
        #expect(OpenFileLimit.raiseToHardLimit() == UInt64(limit.rlim_max))
        #expect(OpenFileLimit.current == UInt64(limit.rlim_max))
    }
}
