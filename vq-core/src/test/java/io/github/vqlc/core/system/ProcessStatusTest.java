package io.github.vqlc.core.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessStatusTest {

    @Test
    void readsKilobyteFieldsByExactName() {
        String status = "Name:\tjava\nVmHWM:\t  2048 kB\nVmRSS:\t  1536 kB\nThreads:\t12\n";
        assertThat(ProcessStatus.parse(status, "VmRSS")).isEqualTo(OptionalLong.of(1536));
        assertThat(ProcessStatus.parse(status, "VmHWM")).isEqualTo(OptionalLong.of(2048));
        assertThat(ProcessStatus.parse(status, "Threads")).isEqualTo(OptionalLong.of(12));
        assertThat(ProcessStatus.parse(status, "VmRS")).isEmpty();
        assertThat(ProcessStatus.parse("VmRSS:\tlots kB\n", "VmRSS")).isEmpty();
    }

    @Test
    void thisProcessHasAResidentSetWhereLinuxSaysSo() {
        if (ProcessStatus.available()) {
            assertThat(ProcessStatus.residentMiB()).isGreaterThan(1);
        } else {
            assertThat(ProcessStatus.residentMiB()).isNaN();
        }
    }
}
