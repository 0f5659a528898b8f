using ApiProxyGateway.Authentication;
using ApiProxyGateway.Authorization;

namespace ApiProxyGateway.Sessions;

/// <summary>
/// One authorization question of a re-authorization round (a user and a permission) and every open stream that was
/// authorized with it: the question is asked once for all of them. Ten users following the logs of a hundred pods
/// ten times each are 10,000 streams but 1,000 questions.
/// </summary>
internal sealed record StreamQuestion(string Key, KubernetesUser User, ResourceAttributes Permission, IReadOnlyList<LiveStream> Streams)
{
    /// <summary>The questions of <paramref name="streams"/>, in the order of their keys, so each comes at about the same point of every round.</summary>
    public static IReadOnlyList<StreamQuestion> Of(IEnumerable<LiveStream> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var questions = new Dictionary<string, (KubernetesUser User, ResourceAttributes Permission, List<LiveStream> Streams)>(StringComparer.Ordinal);
        foreach (var stream in streams)
        {
            foreach (var permission in stream.Permissions)
            {
                var key = AccessReviewer.Key(stream.User, permission);
                if (!questions.TryGetValue(key, out var question))
                {
                    questions[key] = question = (stream.User, permission, []);
                }

                question.Streams.Add(stream);
            }
        }

        return [.. questions.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new StreamQuestion(pair.Key, pair.Value.User, pair.Value.Permission, pair.Value.Streams))];
    }
}
