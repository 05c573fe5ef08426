// Credit Window: answer = max over j >= L of P[j] - min(P[0..j-L]) with prefix sums P.
// O(n) with a byte-buffer reader (Scanner or String.split would be far too slow).
import java.io.*;

public class Main {
    private static final InputStream in = System.in;
    private static final byte[] buf = new byte[1 << 16];
    private static int len = 0, ptr = 0;

    private static int readByte() throws IOException {
        if (ptr == len) {
            len = in.read(buf, 0, buf.length);
            ptr = 0;
            if (len <= 0) return -1;
        }
        return buf[ptr++];
    }

    private static long readLong() throws IOException {
        int c = readByte();
        while (c != '-' && (c < '0' || c > '9')) c = readByte();
        boolean neg = false;
        if (c == '-') { neg = true; c = readByte(); }
        long r = 0;
        while (c >= '0' && c <= '9') { r = r * 10 + (c - '0'); c = readByte(); }
        return neg ? -r : r;
    }

    public static void main(String[] args) throws IOException {
        int n = (int) readLong();
        int L = (int) readLong();
        long[] P = new long[n + 1];
        for (int i = 1; i <= n; i++) P[i] = P[i - 1] + readLong();
        long low = P[0], best = P[L] - P[0];
        for (int j = L; j <= n; j++) {
            low = Math.min(low, P[j - L]);
            best = Math.max(best, P[j] - low);
        }
        System.out.println(best);
    }
}
