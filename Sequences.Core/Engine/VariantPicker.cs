using System.Buffers.Binary;
using System.Security.Cryptography;
using Sequences.Core.Sequences;

namespace Sequences.Core.Engine;

/// <summary>
/// A/B assignment (DESIGN §3 "Email"): the same lead always gets the same variant of a step, and
/// leads spread over the variants in proportion to their weights.
/// </summary>
public static class VariantPicker
{
    /// <param name="winner">The step's decided auto-winner: once there is one, every lead gets it.</param>
    public static SequenceStepVariant? Pick(IReadOnlyList<SequenceStepVariant> variants, Guid leadId, Guid stepId, string? winner = null)
    {
        ArgumentNullException.ThrowIfNull(variants);
        if (winner is not null && variants.FirstOrDefault(v => v.Variant == winner) is { } won) return won;
        // Validation rejects negative weights; a stored one counts as 0 rather than skewing the walk.
        var total = variants.Sum(v => (long)Math.Max(v.Weight, 0));
        if (total == 0) return null;

        var point = Hash(leadId, stepId) % (ulong)total;
        // Ordered by name so that reordering the stored variants does not reassign leads.
        foreach (var variant in variants.OrderBy(v => v.Variant, StringComparer.Ordinal))
        {
            var weight = (ulong)Math.Max(variant.Weight, 0);
            if (point < weight) return variant;
            point -= weight;
        }
        throw new InvalidOperationException("The weights did not cover the hash point.");
    }

    /// <summary>
    /// SHA-256 rather than <see cref="HashCode"/> or <see cref="Guid.GetHashCode"/>: those are
    /// randomized per process, and the assignment must survive restarts and agree across hosts.
    /// </summary>
    private static ulong Hash(Guid leadId, Guid stepId)
    {
        Span<byte> input = stackalloc byte[32];
        leadId.TryWriteBytes(input[..16]);
        stepId.TryWriteBytes(input[16..]);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, digest);
        // Explicit endianness so the value does not depend on the host CPU.
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }
}
