package io.sdclr.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.kubernetes.operator.api.CrdConstants;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.KubernetesDeploymentMode;

/**
 * What sdclr needs of its manifests beyond their schema ({@link Manifests}): a session FlinkDeployment of the
 * project's Flink running this build's image, GPU TaskManagers with one training each, the datasets at the same path
 * in every pod, and a client Job that reaches the cluster's REST service and a shared store on HDFS.
 */
final class ManifestChecks {
    static final String MAIN_CONTAINER = "flink-main-container";
    static final String GPU = "nvidia.com/gpu";
    static final String CLIENT = "/opt/sdclr/bin/sdclr";
    static final Pattern STORE = Pattern.compile("hdfs://[A-Za-z0-9.-]+:\\d+/\\S+|s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\\S+");

    /**
     * @param image the sdclr image the manifests must run
     * @param codeId the sdclr.code-id they must carry, or null for any (the sources carry a placeholder)
     */
    record Expect(String image, String flinkVersion, List<String> flinkOpens, String pytorchVersion,
            String libraryExclusion, String codeId) {}

    static List<String> check(Manifests m, Expect e) {
        List<String> p = new ArrayList<>(m.problems);
        List<FlinkDeployment> fds = m.all(FlinkDeployment.class);
        if (fds.size() != 1) {
            p.add("expected one FlinkDeployment, found " + fds.size());
            return p;
        }
        FlinkDeployment fd = fds.get(0);
        String name = fd.getMetadata() == null ? null : fd.getMetadata().getName();
        FlinkDeploymentSpec s = fd.getSpec();
        if (name == null || s == null) {
            p.add("the FlinkDeployment needs metadata.name and spec");
            return p;
        }
        if (!(CrdConstants.API_GROUP + "/" + CrdConstants.API_VERSION).equals(fd.getApiVersion())
                || !CrdConstants.KIND_FLINK_DEPLOYMENT.equals(fd.getKind())) {
            p.add("FlinkDeployment: apiVersion/kind " + fd.getApiVersion() + " " + fd.getKind());
        }
        if (s.getJob() != null) {
            p.add("FlinkDeployment has spec.job (an application cluster): sdclr submits its own jobs to a session cluster");
        }
        String[] v = e.flinkVersion().split("\\.");
        String want = "v" + v[0] + "_" + v[1];
        if (Arrays.stream(FlinkVersion.values()).noneMatch(f -> f.name().equals(want))) {
            p.add("the operator's API knows no Flink " + want);
        } else if (s.getFlinkVersion() != FlinkVersion.valueOf(want)) {
            p.add("flinkVersion " + s.getFlinkVersion() + ", but the project's Flink is " + e.flinkVersion() + " (" + want
                    + ")");
        }
        if (!e.image().equals(s.getImage())) {
            p.add("FlinkDeployment image " + s.getImage() + ", expected " + e.image());
        }
        if (s.getMode() != KubernetesDeploymentMode.STANDALONE) {
            p.add("mode " + s.getMode() + ": standalone keeps spec.taskManager.replicas TaskManagers registered, which is "
                    + "how many trainings sdclr runs at once (native mode starts them only on demand)");
        }
        Map<String, String> conf = s.getFlinkConfiguration() == null ? Map.of() : s.getFlinkConfiguration();

        // TaskManagers: how many, their slots, memory, cores, GPUs
        int replicas = 0;
        int cpu = -1;
        if (s.getTaskManager() == null || s.getTaskManager().getReplicas() == null
                || s.getTaskManager().getReplicas() < 1) {
            p.add("spec.taskManager.replicas must be at least 1");
        } else {
            replicas = s.getTaskManager().getReplicas();
        }
        if (s.getTaskManager() == null || s.getTaskManager().getResource() == null
                || s.getTaskManager().getResource().getMemory() == null || s.getTaskManager().getResource().getCpu() == null) {
            p.add("spec.taskManager.resource needs memory and cpu");
        } else {
            double c = s.getTaskManager().getResource().getCpu();
            cpu = c == Math.rint(c) ? (int) c : -1;
        }
        if (s.getJobManager() == null || s.getJobManager().getResource() == null
                || s.getJobManager().getResource().getMemory() == null) {
            p.add("spec.jobManager.resource needs memory");
        }
        int slots = positiveInt(conf.get("taskmanager.numberOfTaskSlots"));
        if (slots < 1) {
            p.add("taskmanager.numberOfTaskSlots must be a whole number >= 1, is " + conf.get("taskmanager.numberOfTaskSlots"));
        } else if (conf.containsKey("parallelism.default")
                && positiveInt(conf.get("parallelism.default")) > slots * Math.max(1, replicas)) {
            p.add("parallelism.default " + conf.get("parallelism.default") + " is more than the cluster's slots");
        }
        if (!"true".equals(conf.get("cluster.evenly-spread-out-slots"))) {
            p.add("cluster.evenly-spread-out-slots must be true: concurrent trainings go to different TaskManagers");
        }
        String id = conf.get("sdclr.code-id");
        if (id == null || id.isBlank()) {
            p.add("flinkConfiguration has no sdclr.code-id: every sdclr client refuses such a cluster");
        } else if (e.codeId() != null && !e.codeId().equals(id)) {
            p.add("sdclr.code-id " + id + ", but the image's sdclr jars have code id " + e.codeId());
        }
        List<String> opts = Arrays.asList(conf.getOrDefault("env.java.opts.all", "").split("\\s+"));
        List<String> missing = e.flinkOpens().stream().filter(o -> !opts.contains(o)).collect(Collectors.toList());
        if (!missing.isEmpty()) {
            p.add("env.java.opts.all lacks the root pom's flink.opens " + missing);
        }
        String tmOpts = conf.getOrDefault("env.java.opts.taskmanager", "");
        Matcher threads = Pattern.compile("-Dai\\.djl\\.pytorch\\.num_threads=(\\d+)").matcher(tmOpts);
        if (!threads.find() || Integer.parseInt(threads.group(1)) != cpu) {
            p.add("env.java.opts.taskmanager must set -Dai.djl.pytorch.num_threads to the TaskManager's cpu (" + cpu
                    + "), as ./sdclr sets it to the machine's cores");
        }

        PodTemplateSpec tmTemplate = s.getTaskManager() == null ? null : s.getTaskManager().getPodTemplate();
        Container tm = mainContainer(tmTemplate);
        Map<String, String> tmMounts = claimMounts(s.getPodTemplate(), tmTemplate);
        Map<String, String> jmMounts = claimMounts(s.getPodTemplate(),
                s.getJobManager() == null ? null : s.getJobManager().getPodTemplate());
        int gpus = 0;
        if (tm == null) {
            p.add("spec.taskManager.podTemplate has no container " + MAIN_CONTAINER + " (GPU limits, libtorch)");
        } else {
            Quantity q = tm.getResources() == null || tm.getResources().getLimits() == null ? null
                    : tm.getResources().getLimits().get(GPU);
            if (q == null) {
                p.add("TaskManager " + MAIN_CONTAINER + " has no " + GPU + " limit");
            } else if (!"1".equals(q.getAmount()) || !(q.getFormat() == null || q.getFormat().isEmpty())) {
                p.add("TaskManager " + GPU + " limit " + q + ": sdclr trains on gpu0 only, so one GPU per TaskManager");
            } else {
                gpus = 1;
            }
            Map<String, String> env = env(tm);
            if (gpus > 0) {
                check(p, "PYTORCH_VERSION", env.get("PYTORCH_VERSION"), e.pytorchVersion());
                check(p, "PYTORCH_FLAVOR", env.get("PYTORCH_FLAVOR"), "cu128");
                check(p, "PYTORCH_LIBRARY_EXCLUSION", env.get("PYTORCH_LIBRARY_EXCLUSION"), e.libraryExclusion());
                under(p, "PYTORCH_LIBRARY_PATH", env.get("PYTORCH_LIBRARY_PATH"), tmMounts);
                Matcher jna = Pattern.compile("-Djna\\.library\\.path=(\\S+)").matcher(tmOpts);
                under(p, "-Djna.library.path", jna.find() ? jna.group(1) : null, tmMounts);
            }
        }

        // The client: a Job running the same image, against the rest service, on a shared store
        List<Job> clients = m.all(Job.class).stream().filter(j -> podSpec(j) != null && podSpec(j).getContainers()
                .stream().anyMatch(c -> e.image().equals(c.getImage()))).collect(Collectors.toList());
        if (clients.isEmpty()) {
            p.add("no Job runs the sdclr image " + e.image() + " (the client)");
        }
        String rest = name + "-rest:" + conf.getOrDefault("rest.port", "8081");
        for (Job j : clients) {
            String jn = "Job " + j.getMetadata().getName();
            Container c = podSpec(j).getContainers().stream().filter(x -> e.image().equals(x.getImage())).findFirst()
                    .orElseThrow();
            List<String> args = c.getArgs() == null ? List.of() : c.getArgs();
            if (args.size() < 2 || !CLIENT.equals(args.get(0)) || !"run".equals(args.get(1))) {
                p.add(jn + ": args must start with " + CLIENT + " run");
            }
            check(p, jn + " --runner", flag(args, "--runner"), rest);
            String store = flag(args, "--store");
            if (store == null || !STORE.matcher(store).matches()) {
                p.add(jn + ": --store " + store + " is not an hdfs://NAMENODE:PORT/PATH or s3://BUCKET/PATH URI, the "
                        + "kinds of store every TaskManager and the client can share");
            } else if (store.startsWith("s3://")) {
                Set<String> mine = secrets(c);
                if (mine.isEmpty()) {
                    p.add(jn + ": --store " + store + ", but the client takes no S3 settings (envFrom a Secret with "
                            + "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and, off AWS, AWS_ENDPOINT_URL)");
                } else if (tm == null || !secrets(tm).containsAll(mine)) {
                    p.add(jn + ": --store " + store + ", but the TaskManagers do not take the client's S3 Secret(s) "
                            + mine + ": they write the store too");
                }
            }
            String per = flag(args, "--trainings-per-taskmanager");
            if (gpus > 0 && !String.valueOf(gpus).equals(per)) {
                p.add(jn + ": --trainings-per-taskmanager " + per + ", but each TaskManager has " + gpus + " GPU");
            }
            if (gpus > 0 && !"gpu".equals(flag(args, "--device"))) {
                p.add(jn + ": --device gpu expected with GPU TaskManagers");
            }
            Map<String, String> mine = claimMounts(j.getSpec().getTemplate(), null);
            Map<String, String> readOnly = readOnlyClaimMounts(j.getSpec().getTemplate());
            if (readOnly.isEmpty()) {
                p.add(jn + ": mounts no dataset volume (read-only claim)");
            }
            readOnly.forEach((claim, path) -> {
                if (!path.equals(tmMounts.get(claim)) || !path.equals(jmMounts.get(claim))) {
                    p.add(jn + ": claim " + claim + " at " + path + ", but at " + jmMounts.get(claim)
                            + " in the JobManager and " + tmMounts.get(claim) + " in the TaskManagers: the data must be "
                            + "at the same path in every pod");
                }
            });
            if (mine.isEmpty()) {
                p.add(jn + ": no volumes");
            }
            String wd = c.getWorkingDir();
            if (wd == null || mine.entrySet().stream().noneMatch(x -> !readOnly.containsKey(x.getKey())
                    && (wd.equals(x.getValue()) || wd.startsWith(x.getValue() + "/")))) {
                p.add(jn + ": workingDir " + wd + " is on no writable volume; the flink user cannot write to the image's "
                        + "/opt/flink");
            }
        }

        // Every claim that a pod mounts is declared
        Set<String> declared = m.all(PersistentVolumeClaim.class).stream().map(c -> c.getMetadata().getName())
                .collect(Collectors.toSet());
        List<PodTemplateSpec> templates = new ArrayList<>();
        templates.add(s.getPodTemplate());
        templates.add(tmTemplate);
        templates.add(s.getJobManager() == null ? null : s.getJobManager().getPodTemplate());
        m.all(Job.class).forEach(j -> templates.add(j.getSpec().getTemplate()));
        for (PodTemplateSpec t : templates) {
            for (String claim : claimMounts(t, null).keySet()) {
                if (!declared.contains(claim)) {
                    p.add("claim " + claim + " is mounted but no PersistentVolumeClaim of that name is in the manifests");
                }
            }
        }
        return p;
    }

    private static void check(List<String> p, String what, String actual, String expected) {
        if (!Objects.equals(actual, expected)) {
            p.add(what + " is " + actual + ", expected " + expected);
        }
    }

    private static void under(List<String> p, String what, String path, Map<String, String> mounts) {
        if (path == null || mounts.values().stream().noneMatch(m -> path.equals(m) || path.startsWith(m + "/"))) {
            p.add("TaskManager " + what + " " + path + " is on no volume the TaskManager mounts " + mounts.values());
        }
    }

    private static int positiveInt(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String flag(List<String> args, String flag) {
        int i = args.indexOf(flag);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }

    private static PodSpec podSpec(Job j) {
        return j.getSpec() == null || j.getSpec().getTemplate() == null ? null : j.getSpec().getTemplate().getSpec();
    }

    static Container mainContainer(PodTemplateSpec t) {
        if (t == null || t.getSpec() == null || t.getSpec().getContainers() == null) {
            return null;
        }
        return t.getSpec().getContainers().stream().filter(c -> MAIN_CONTAINER.equals(c.getName())).findFirst()
                .orElse(null);
    }

    /** The Secrets a container takes its environment from ({@code envFrom}). */
    private static Set<String> secrets(Container c) {
        Set<String> out = new java.util.TreeSet<>();
        if (c.getEnvFrom() != null) {
            for (io.fabric8.kubernetes.api.model.EnvFromSource f : c.getEnvFrom()) {
                if (f.getSecretRef() != null && f.getSecretRef().getName() != null) {
                    out.add(f.getSecretRef().getName());
                }
            }
        }
        return out;
    }

    private static Map<String, String> env(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        if (c.getEnv() != null) {
            for (EnvVar v : c.getEnv()) {
                env.put(v.getName(), v.getValue());
            }
        }
        return env;
    }

    /** claim name -> mount path in the pod's first container (Flink's main one, or the Job's), over two templates. */
    static Map<String, String> claimMounts(PodTemplateSpec common, PodTemplateSpec own) {
        Map<String, String> out = new LinkedHashMap<>();
        for (PodTemplateSpec t : Arrays.asList(common, own)) {
            mounts(t, false).forEach(out::put);
        }
        return out;
    }

    static Map<String, String> readOnlyClaimMounts(PodTemplateSpec t) {
        return mounts(t, true);
    }

    private static Map<String, String> mounts(PodTemplateSpec t, boolean readOnlyOnly) {
        Map<String, String> out = new LinkedHashMap<>();
        if (t == null || t.getSpec() == null || t.getSpec().getContainers() == null) {
            return out;
        }
        Map<String, Volume> volumes = t.getSpec().getVolumes() == null ? Map.of()
                : t.getSpec().getVolumes().stream().collect(Collectors.toMap(Volume::getName, x -> x, (a, b) -> a));
        Container c = t.getSpec().getContainers().stream().filter(x -> MAIN_CONTAINER.equals(x.getName())).findFirst()
                .orElse(t.getSpec().getContainers().isEmpty() ? null : t.getSpec().getContainers().get(0));
        if (c == null || c.getVolumeMounts() == null) {
            return out;
        }
        for (VolumeMount vm : c.getVolumeMounts()) {
            Volume vol = volumes.get(vm.getName());
            if (vol == null || vol.getPersistentVolumeClaim() == null) {
                continue;
            }
            boolean ro = Boolean.TRUE.equals(vm.getReadOnly()) || Boolean.TRUE.equals(vol.getPersistentVolumeClaim().getReadOnly());
            if (!readOnlyOnly || ro) {
                out.put(vol.getPersistentVolumeClaim().getClaimName(), vm.getMountPath());
            }
        }
        return out;
    }
}
