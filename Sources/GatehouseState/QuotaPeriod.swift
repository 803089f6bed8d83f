/// The calendar period a quota counts in, as API Gateway's usage plans name them. Periods are UTC: DAY from 00:00,
/// WEEK from Sunday 00:00, MONTH from the 1st (contract section 7).
public enum QuotaPeriod: String, Sendable, Hashable, CaseIterable {
    case day = "DAY"
    case week = "WEEK"
    case month = "MONTH"
}
