import Yams

/// Reads the top level of the configuration and hands each section to its reader.
struct GatewayConfigurationReader {
    static let knownKeys = [
        "region", "account_id", "log_target", "max_clock_skew", "drain_timeout", "limits", "listeners", "networks",
        "identities", "apis", "forward_underscore_headers", "throttle", "api_keys", "usage_plans", "state",
    ]

    let context: LoadContext

    /// The configuration, or nil when any problem was reported.
    func read(_ root: Node) -> GatewayConfiguration? {
        guard let fields = context.fields(of: root, owner: "at top level", known: Self.knownKeys) else {
            return nil
        }
        let region = readRegion(fields)
        let accountID = readAccountID(fields)
        let logTarget = context.choice(fields, "log_target", default: ConfiguredLogTarget.auto)
        let maxClockSkew = context.integer(fields, "max_clock_skew", default: 300, range: 1...86400)
        let drainTimeout = context.integer(fields, "drain_timeout", default: 30, range: 0...86400)
        let limits = LimitsReader(context: context).read(fields.present("limits"))
        let forwardUnderscoreHeaders = context.bool(fields, "forward_underscore_headers", default: false)

        let networkNodes = context.list(fields, "networks")
        let networks = NetworkReader(context: context).readAll(networkNodes)
        let declaredNetworkIDs = Set(networkNodes.compactMap { $0.peekText("id") })
        let listeners = ListenerReader(context: context, networks: networks, declaredNetworkIDs: declaredNetworkIDs)
            .readAll(context.list(fields, "listeners", required: true), at: fields.present("listeners"))
        let identities = IdentityReader(context: context).readAll(context.list(fields, "identities"))
        let apis = APIReader(context: context).readAll(context.list(fields, "apis"))
        let state = StateReader(context: context).read(fields.present("state"))
        let throttle = ThrottleReader(context: context).read(fields, "throttle")
        let apiKeyNodes = context.list(fields, "api_keys")
        let apiKeys = APIKeyReader(context: context).readAll(apiKeyNodes)
        // Plans name keys that exist in the file even when the key itself has a problem (reported there).
        let apiKeyIDs = Set(apiKeyNodes.compactMap { $0.peekText("id") })
        let usagePlans = UsagePlanReader(context: context, apis: apis, apiKeyIDs: apiKeyIDs)
            .readAll(context.list(fields, "usage_plans"))

        guard context.problems.isEmpty, let region, let accountID, let logTarget, let maxClockSkew, let drainTimeout,
            let limits, let state
        else {
            return nil
        }
        return GatewayConfiguration(
            file: context.file,
            region: region,
            accountID: accountID,
            logTarget: logTarget,
            maxClockSkew: .seconds(maxClockSkew),
            drainTimeout: .seconds(drainTimeout),
            limits: limits,
            listeners: listeners,
            networks: networks,
            identities: identities,
            apis: apis,
            forwardUnderscoreHeaders: forwardUnderscoreHeaders,
            throttle: throttle,
            apiKeys: apiKeys,
            usagePlans: usagePlans,
            state: state
        )
    }

    private func readRegion(_ fields: MappingFields) -> String? {
        guard let region = context.string(fields, "region", required: true) else {
            return nil
        }
        let valid = region.range(of: #"^[a-z]{2}(-[a-z]+)+-[0-9]+$"#, options: .regularExpression) != nil
        guard valid else {
            context.report(
                "\"region\" must be an AWS region name such as \"us-east-1\", found \"\(region)\"",
                at: fields["region"])
            return nil
        }
        return region
    }

    private func readAccountID(_ fields: MappingFields) -> String? {
        guard let accountID = context.string(fields, "account_id", required: true) else {
            return nil
        }
        guard accountID.count == 12, accountID.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            context.report(
                "\"account_id\" must be 12 digits (quote it), found \"\(accountID)\"", at: fields["account_id"])
            return nil
        }
        return accountID
    }
}
