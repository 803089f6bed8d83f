import Foundation
import GatehouseConfig
import GatehouseState
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import Systemd
import UnixSignals

/// `gatehouse serve`: loads the configuration, takes sockets from systemd or binds them, runs until SIGTERM or
/// SIGINT, reloads on SIGHUP, and reports each step to systemd. Exit status follows the contract: 0 after a
/// clean drain, 1 for configuration or start-up errors.
public struct GatewayApplication {
    let configPath: String
    let environment: [String: String]

    public init(configPath: String, environment: [String: String]) {
        self.configPath = configPath
        self.environment = environment
    }

    public func run() async -> Int32 {
        let configuration: GatewayConfiguration
        switch ConfigurationLoader.load(path: configPath, environment: environment) {
        case .success(let loaded): configuration = loaded
        case .failure(let problems):
            Self.printError(problems.description)
            return 1
        }
        // Trap signals before any listener accepts: a SIGHUP that arrives while starting must not kill the process
        // (its default action), and a SIGTERM must drain.
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigterm, .sigint)
        let resolution = LoggingSetup.bootstrap(
            target: Systemd.LogTarget(rawValue: configuration.logTarget.rawValue) ?? .auto)
        let logger = Logger(label: "gatehouse")
        // Every connection is a descriptor: at systemd's default soft limit (1024) a thousand idle connections would
        // stop every listener from accepting, the admin one included.
        let openFiles = OpenFileLimit.raiseToHardLimit()
        logger.debug("open file limit: \(openFiles.map(String.init) ?? "unknown")")
        if resolution.destination == .journal {
            logger.debug("logging to the journal")
        }
        let registry = PrometheusCollectorRegistry()
        let metrics = GatewayMetrics(factory: GatewayMetrics.prometheusFactory(registry: registry))
        let health = AdminHealth()
        let state: GatewayStateRuntime
        do {
            state = try GatewayStateRuntime(
                configuration: configuration, metrics: metrics, health: health, logger: logger)
        } catch {
            Self.printError("\(error)")
            return 1
        }
        let usage = makeUsageState(quotas: state.quotas, metrics: metrics)
        let snapshot: GatewaySnapshot
        switch SnapshotBuilder.build(configuration, usage: usage) {
        case .success(let built): snapshot = built
        case .failure(let problems):
            Self.printError(problems.description)
            return 1
        }
        let plan: ListenerSocketPlan
        do {
            plan = try ListenerSocketPlan(listeners: configuration.listeners, passed: try SystemdSockets.listenFDs())
        } catch {
            Self.printError("\(error)")
            return 1
        }

        metrics.registerBaseline(listeners: configuration.listeners.filter { !$0.isAdmin }.map(\.name))
        let observer = GatewayObserver(
            logger: logger, metrics: metrics,
            accessLog: resolution.destination == .stderr
                ? .lines(AccessLineBuffer(writer: FileDescriptorWriter(fileDescriptor: 2))) : nil)
        let store = SnapshotStore(snapshot)
        let group = MultiThreadedEventLoopGroup(
            numberOfThreads: CPUAffinity.usableCoreCount(fallback: System.coreCount))
        let heapTrimmer = HeapTrimmer()
        let server = GatewayServer(store: store, group: group, observer: observer, heapTrimmer: heapTrimmer)
        await state.startIfNeeded(configuration)
        let admin = AdminServer(group: group, registry: registry, health: health, usage: { state.usageJSON() })
        let notifier = SystemdNotifier()

        var channels: [Channel] = []
        for entry in plan.entries {
            do {
                if entry.listener.isAdmin {
                    channels.append(try await admin.start(socket: entry.socket))
                } else {
                    channels.append(try await server.startListener(name: entry.listener.name, socket: entry.socket))
                }
                logger.info(
                    "listening on \(entry.address) (\(entry.listener.name))",
                    metadata: ["GATEHOUSE_EVENT": "listening", "LISTENER": .string(entry.listener.name)])
            } catch {
                Self.printError(
                    "listener \"\(entry.listener.name)\": cannot listen on \(entry.address): \(Self.reason(error))")
                // The store was opened above: close it before exiting, as a stop does. The event loops are left to
                // the process's exit, as after a stop: the failed listener's channel may still be finishing its close
                // on its loop, and shutting the loops down under it made NIO print "Cannot schedule tasks on an
                // EventLoop that has already shut down" after the real error.
                await state.stop()
                return 1
            }
        }
        health.markReady()
        let summary =
            "serving \(configuration.apis.count) API(s) on \(plan.entries.map(\.address).joined(separator: ", "))"
        _ = try? notifier.ready(status: summary)
        logger.info("\(summary)", metadata: ["GATEHOUSE_EVENT": "ready"])
        let watchdog = startWatchdog(notifier)
        let trimming = Task { await heapTrimmer.run(every: .seconds(1)) }

        for await signal in signals {
            if signal == .sighup {
                await reload(
                    store: store, server: server, notifier: notifier, observer: observer, state: state, usage: usage,
                    running: configuration)
                continue
            }
            logger.info("draining after \(signal)", metadata: ["GATEHOUSE_EVENT": "stopping"])
            _ = try? notifier.stopping(status: "draining")
            health.markDraining()
            await server.drain(timeout: .seconds(Int64(store.current.drainTimeout)))
            break
        }
        watchdog?.cancel()
        trimming.cancel()
        // Every count taken is written before exit (contract section 8).
        await state.stop()
        observer.accessLog.flush()
        // Data listeners were closed by the drain; the admin listener answers (503 on /readyz) until here.
        await admin.close()
        logger.info("stopped", metadata: ["GATEHOUSE_EVENT": "stopped"])
        // The event loops are not shut down: every connection is closed by now and the process exits, and a
        // shutdown here races the quiescing helpers' last callbacks.
        return 0
    }

    /// SIGHUP: re-read configuration, certificates, keys, CRLs and policies; swap them in whole, or keep the running
    /// state and say why.
    private func reload(
        store: SnapshotStore, server: GatewayServer, notifier: SystemdNotifier, observer: GatewayObserver,
        state: GatewayStateRuntime, usage: UsageState, running: GatewayConfiguration
    ) async {
        _ = try? notifier.reloading(status: "reloading")
        let result = ConfigurationLoader.load(path: configPath, environment: environment)
            .flatMap { configuration in
                SnapshotBuilder.build(configuration, usage: usage).map { (configuration, $0) }
            }
        switch result {
        case .success(let (configuration, snapshot)):
            store.replace(with: snapshot)
            await server.retireUpstreams(notIn: snapshot)
            await state.startIfNeeded(configuration)
            let revoked = await server.revalidateClients(against: snapshot)
            if revoked > 0 {
                observer.logger.info(
                    "\(revoked) connection(s) whose client certificate no longer passes close after their current request",
                    metadata: ["GATEHOUSE_EVENT": "reload"])
            }
            observer.metrics.configReloaded(success: true)
            if configuration.listeners.map(\.bind) != running.listeners.map(\.bind)
                || configuration.listeners.map(\.name) != running.listeners.map(\.name)
            {
                observer.logger.warning(
                    "listener names or addresses changed: they take effect on restart",
                    metadata: ["GATEHOUSE_EVENT": "reload"])
            }
            observer.logger.info(
                "configuration reloaded", metadata: ["GATEHOUSE_EVENT": "reload", "RESULT": "success"])
            _ = try? notifier.ready(status: "configuration reloaded")
        case .failure(let problems):
            observer.metrics.configReloaded(success: false)
            observer.logger.error(
                "reload failed, keeping the running configuration: \(problems.description)",
                metadata: ["GATEHOUSE_EVENT": "reload", "RESULT": "failure"])
            _ = try? notifier.ready(status: "reload failed; running the previous configuration")
        }
    }

    /// The one place gates 7 and 8 get their state: token buckets and plan state kept across reloads, and the quota
    /// ledger (`QuotaAccounting`) every snapshot's routes ask. Made once per process.
    private func makeUsageState(quotas: any QuotaAccounting, metrics: GatewayMetrics) -> UsageState {
        UsageState(accounting: quotas, metrics: metrics)
    }

    private func startWatchdog(_ notifier: SystemdNotifier) -> Task<Void, Never>? {
        guard let interval = try? notifier.watchdogPingInterval() else { return nil }
        return Task {
            while !Task.isCancelled {
                _ = try? notifier.watchdog()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// A socket error as the C tools print it (`Address already in use (errno 98)`), rather than NIO's description,
    /// which names its internal call (`bind(descriptor:ptr:bytes:): …`).
    static func reason(_ error: any Error) -> String {
        guard let io = error as? IOError else { return "\(error)" }
        return String(cString: strerror(io.errnoCode)) + " (errno \(io.errnoCode))"
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
