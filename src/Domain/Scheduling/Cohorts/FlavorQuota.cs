namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>
/// A ClusterQueue's quota in one resource flavor (a GPU pool here): nominal quota, and the optional borrowing limit (how
/// much above nominal it may borrow from the cohort) and lending limit (how much of its nominal quota the cohort may use).
/// </summary>
public sealed record FlavorQuota(string Flavor, Resources Nominal, Resources? BorrowingLimit = null, Resources? LendingLimit = null);
