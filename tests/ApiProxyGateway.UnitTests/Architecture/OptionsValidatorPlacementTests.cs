using ApiProxyGateway.Hosting;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.UnitTests.Architecture;

/// <summary>Every options type of the gateway has its validator beside it, in the namespace of the feature that owns it.</summary>
public sealed class OptionsValidatorPlacementTests
{
    [Fact]
    public void EveryOptionsType_HasAValidatorInItsOwnNamespace()
    {
        var types = typeof(GatewayHost).Assembly.GetTypes();
        var options = types.Where(type => type.Name.EndsWith("Options", StringComparison.Ordinal) && type.Namespace?.StartsWith("ApiProxyGateway.", StringComparison.Ordinal) == true).ToList();
        var misplaced = options
            .Where(option => !types.Any(validator => validator.Namespace == option.Namespace && typeof(IValidateOptions<>).MakeGenericType(option).IsAssignableFrom(validator)))
            .Select(option => option.FullName)
            .ToList();

        Assert.True(options.Count >= 12, $"found only {options.Count} options types");
        Assert.True(misplaced.Count == 0, $"options without a validator in their own namespace: {string.Join(", ", misplaced)}");
    }
}
