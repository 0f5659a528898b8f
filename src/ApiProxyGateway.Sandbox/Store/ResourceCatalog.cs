using k8s.Models;

namespace ApiProxyGateway.Sandbox.Store;

/// <summary>Every resource the simulated API server advertises in discovery, in discovery order.</summary>
public static class ResourceCatalog
{
    public static readonly ResourceType Namespaces = Core<V1Namespace>("namespaces", "Namespace", false, ["ns"], [], ["finalize", "status"]);
    public static readonly ResourceType Nodes = Core<V1Node>("nodes", "Node", false, ["no"], [], ["proxy", "status"]);
    public static readonly ResourceType Pods = Core<V1Pod>("pods", "Pod", true, ["po"], ["all"],
        ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "resize", "status"]);
    public static readonly ResourceType Services = Core<V1Service>("services", "Service", true, ["svc"], ["all"], ["proxy", "status"]);
    public static readonly ResourceType Endpoints = Core<V1Endpoints>("endpoints", "Endpoints", true, ["ep"], [], []);
    public static readonly ResourceType ConfigMaps = Core<V1ConfigMap>("configmaps", "ConfigMap", true, ["cm"], [], []);
    public static readonly ResourceType Events = Core<Corev1Event>("events", "Event", true, ["ev"], [], []);
    public static readonly ResourceType EndpointSlices = new ResourceType("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true).WithModel<V1EndpointSlice>();
    public static readonly ResourceType Roles = Rbac<V1Role>("roles", "Role", true);
    public static readonly ResourceType ClusterRoles = Rbac<V1ClusterRole>("clusterroles", "ClusterRole", false);
    public static readonly ResourceType RoleBindings = Rbac<V1RoleBinding>("rolebindings", "RoleBinding", true);
    public static readonly ResourceType ClusterRoleBindings = Rbac<V1ClusterRoleBinding>("clusterrolebindings", "ClusterRoleBinding", false);
    public static readonly ResourceType SubjectAccessReviews = Review<V1SubjectAccessReview>("authorization.k8s.io", "subjectaccessreviews", "SubjectAccessReview", false);
    public static readonly ResourceType SelfSubjectAccessReviews = Review<V1SelfSubjectAccessReview>("authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false);
    public static readonly ResourceType SelfSubjectRulesReviews = Review<V1SelfSubjectRulesReview>("authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false);
    public static readonly ResourceType LocalSubjectAccessReviews = Review<V1LocalSubjectAccessReview>("authorization.k8s.io", "localsubjectaccessreviews", "LocalSubjectAccessReview", true);
    public static readonly ResourceType SelfSubjectReviews = Review<V1SelfSubjectReview>("authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview", false);

    /// <summary>All resources, modeled or not, in the order discovery lists them.</summary>
    public static readonly IReadOnlyList<ResourceType> All =
    [
        Namespaces, Nodes, Pods, Services, Endpoints, ConfigMaps, Events,
        Unmodeled("", "secrets", "Secret", true, []),
        Unmodeled("", "serviceaccounts", "ServiceAccount", true, ["sa"]),
        Unmodeled("", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"]),
        Unmodeled("", "persistentvolumes", "PersistentVolume", false, ["pv"]),
        Unmodeled("", "replicationcontrollers", "ReplicationController", true, ["rc"], ["all"]),
        Unmodeled("", "resourcequotas", "ResourceQuota", true, ["quota"]),
        Unmodeled("", "limitranges", "LimitRange", true, ["limits"]),
        Unmodeled("apps", "deployments", "Deployment", true, ["deploy"], ["all"]),
        Unmodeled("apps", "replicasets", "ReplicaSet", true, ["rs"], ["all"]),
        Unmodeled("apps", "statefulsets", "StatefulSet", true, ["sts"], ["all"]),
        Unmodeled("apps", "daemonsets", "DaemonSet", true, ["ds"], ["all"]),
        Unmodeled("batch", "jobs", "Job", true, [], ["all"]),
        Unmodeled("batch", "cronjobs", "CronJob", true, ["cj"], ["all"]),
        EndpointSlices,
        Roles, ClusterRoles, RoleBindings, ClusterRoleBindings,
        SubjectAccessReviews, SelfSubjectAccessReviews, SelfSubjectRulesReviews, LocalSubjectAccessReviews,
        SelfSubjectReviews,
    ];

    /// <summary>API groups in discovery order, with their single served version.</summary>
    public static IEnumerable<(string Group, string Version)> GroupVersions =>
        All.Where(t => t.Group.Length > 0).Select(t => (t.Group, t.Version)).Distinct();

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public static ResourceType? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);

    public static ResourceType ForModel(Type modelType) =>
        All.FirstOrDefault(t => t.ModelType == modelType && t.Modeled)
        ?? throw new ArgumentException($"{modelType.Name} is not a resource the sandbox stores.", nameof(modelType));

    private static ResourceType Core<T>(string plural, string kind, bool namespaced, string[] shortNames, string[] categories, string[] subresources)
        where T : class =>
        new ResourceType("", "v1", plural, kind, namespaced) { ShortNames = shortNames, Categories = categories, Subresources = subresources }.WithModel<T>();

    private static ResourceType Rbac<T>(string plural, string kind, bool namespaced)
        where T : class =>
        new ResourceType("rbac.authorization.k8s.io", "v1", plural, kind, namespaced).WithModel<T>();

    private static ResourceType Review<T>(string group, string plural, string kind, bool namespaced)
        where T : class =>
        new ResourceType(group, "v1", plural, kind, namespaced) { ReviewOnly = true }.WithModel<T>();

    private static ResourceType Unmodeled(string group, string plural, string kind, bool namespaced, string[] shortNames, string[]? categories = null) =>
        new(group, "v1", plural, kind, namespaced) { ShortNames = shortNames, Categories = categories ?? [] };
}
