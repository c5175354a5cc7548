namespace WPAI.Abstractions.Contracts;

/// <summary>Whether a job runs inside its department's own quota or on borrowed capacity.</summary>
public enum Tier
{
    Own = 0,
    Borrowed = 1,
}
